import type { TAgent, TWidgetConfig } from "@minichat/contracts";
import { useTranslation } from "react-i18next";
import { Field } from "../../components/ui/field.tsx";
import { Input, Select, Textarea } from "../../components/ui/input.tsx";
import { type AgentDraft, DEFAULT_COLOR } from "./agent-draft.ts";
import { CheckboxField, ListEditor, ReadOnly, Section, type SectionProps } from "./editor-ui.tsx";
import { EmbedSection } from "./embed-section.tsx";
import { NS } from "./i18n.ts";
import { WidgetPreview } from "./widget-preview.tsx";

const HEX = /^#[0-9a-fA-F]{6}$/;
const MAX_ORIGINS = 50;

/** What the widget would receive if the draft were saved (as the server's toWidgetConfig). */
export function previewConfig(d: AgentDraft): TWidgetConfig {
  const w = d.widget;
  return {
    agentName: w.displayName.trim() || d.name.trim() || "MiniChat",
    avatarUrl: /^https?:\/\//i.test(w.avatarUrl.trim()) ? w.avatarUrl.trim() : null,
    color: HEX.test(w.color) ? w.color : DEFAULT_COLOR,
    position: w.position,
    theme: w.theme,
    welcomeMessage: d.welcomeMessage.trim() || null,
    suggestedQuestions: d.suggestedQuestions.map((q) => q.trim()).filter(Boolean),
    defaultLocale: w.defaultLocale,
    requireContactForm: w.requireContactForm,
    proactive: null,
  };
}

export function WidgetSection(
  props: SectionProps & { workspaceId: string; agent: TAgent; dirty: boolean; readOnly?: boolean },
) {
  const { t } = useTranslation(NS);
  const { draft, set, setWidget, errors } = props;
  const w = draft.widget;
  return (
    <div className="grid gap-6">
      <ReadOnly when={props.readOnly ?? false}>
        <Section title={t("editor.widget.publishTitle")} description={t("editor.widget.publishDescription")}>
          <CheckboxField
            label={t("editor.widget.live")}
            hint={t("editor.widget.liveHint")}
            checked={draft.status === "live"}
            onChange={(on) => set({ status: on ? "live" : "draft" })}
          />
          {errors.status && <p className="text-sm text-destructive">{errors.status}</p>}
          <ListEditor
            label={t("editor.widget.origins")}
            hint={t("editor.widget.originsHint")}
            items={draft.allowedOrigins}
            onChange={(allowedOrigins) => set({ allowedOrigins })}
            addLabel={t("editor.widget.addOrigin")}
            placeholder="https://www.example.com"
            max={MAX_ORIGINS}
            path="allowedOrigins"
            errors={errors}
            inputType="url"
          />
          {draft.allowedOrigins.length === 0 && (
            <p className="-mt-3 text-xs text-muted-foreground">{t("editor.widget.anyOrigin")}</p>
          )}
        </Section>

        <Section
          title={t("editor.widget.appearanceTitle")}
          description={t("editor.widget.appearanceDescription")}
        >
          <div className="grid gap-6 2xl:grid-cols-[minmax(0,1fr)_24rem]">
            <div className="grid content-start gap-5">
              <div className="grid gap-1.5">
                <Field
                  label={t("editor.widget.color")}
                  hint={t("editor.widget.colorHint")}
                  error={errors["widget.color"]}
                >
                  <Input
                    className="font-mono"
                    maxLength={7}
                    value={w.color}
                    spellCheck={false}
                    onChange={(e) => setWidget({ color: e.target.value.trim() })}
                  />
                </Field>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="color"
                    className="h-9 w-14 cursor-pointer rounded border border-input bg-background"
                    value={HEX.test(w.color) ? w.color.toLowerCase() : DEFAULT_COLOR}
                    onChange={(e) => setWidget({ color: e.target.value })}
                  />
                  {t("editor.widget.pickColor")}
                </label>
              </div>
              <Field
                label={t("editor.widget.displayName")}
                hint={t("editor.widget.displayNameHint")}
                error={errors["widget.displayName"]}
              >
                <Input
                  maxLength={80}
                  placeholder={draft.name}
                  value={w.displayName}
                  onChange={(e) => setWidget({ displayName: e.target.value })}
                />
              </Field>
              <Field
                label={t("editor.widget.avatar")}
                hint={t("editor.widget.avatarHint")}
                error={errors["widget.avatarUrl"]}
              >
                <Input
                  type="url"
                  inputMode="url"
                  placeholder="https://www.example.com/logo.png"
                  value={w.avatarUrl}
                  onChange={(e) => setWidget({ avatarUrl: e.target.value })}
                />
              </Field>
              <div className="grid gap-5 sm:grid-cols-2">
                <Field label={t("editor.widget.position")} error={errors["widget.position"]}>
                  <Select
                    value={w.position}
                    onChange={(e) => setWidget({ position: e.target.value as typeof w.position })}
                  >
                    <option value="bottom-right">{t("editor.widget.positions.bottom-right")}</option>
                    <option value="bottom-left">{t("editor.widget.positions.bottom-left")}</option>
                  </Select>
                </Field>
                <Field label={t("editor.widget.theme")} error={errors["widget.theme"]}>
                  <Select
                    value={w.theme}
                    onChange={(e) => setWidget({ theme: e.target.value as typeof w.theme })}
                  >
                    <option value="auto">{t("editor.widget.themes.auto")}</option>
                    <option value="light">{t("editor.widget.themes.light")}</option>
                    <option value="dark">{t("editor.widget.themes.dark")}</option>
                  </Select>
                </Field>
              </div>
              <Field
                label={t("editor.widget.locale")}
                hint={t("editor.widget.localeHint")}
                error={errors["widget.defaultLocale"]}
              >
                <Select
                  value={w.defaultLocale}
                  onChange={(e) => setWidget({ defaultLocale: e.target.value as typeof w.defaultLocale })}
                >
                  <option value="en">{t("agents.form.languages.en")}</option>
                  <option value="th">{t("agents.form.languages.th")}</option>
                  <option value="ru">{t("agents.form.languages.ru")}</option>
                </Select>
              </Field>
              <CheckboxField
                label={t("editor.widget.contactForm")}
                hint={t("editor.widget.contactFormHint")}
                checked={w.requireContactForm}
                onChange={(requireContactForm) => setWidget({ requireContactForm })}
              />
            </div>
            <div className="2xl:sticky 2xl:top-4 2xl:self-start">
              <h3 className="mb-2 text-sm font-medium">{t("editor.widget.preview")}</h3>
              <WidgetPreview config={previewConfig(draft)} />
            </div>
          </div>
        </Section>

        <Section
          title={t("editor.widget.proactiveTitle")}
          description={t("editor.widget.proactiveDescription")}
        >
          <CheckboxField
            label={t("editor.widget.proactiveOn")}
            checked={w.proactiveEnabled}
            onChange={(proactiveEnabled) => setWidget({ proactiveEnabled })}
          />
          {w.proactiveEnabled && (
            <>
              <Field
                label={t("editor.widget.proactiveMessage")}
                hint={t("editor.widget.proactiveMessageHint")}
                error={errors["widget.proactive.message"]}
              >
                <Input
                  maxLength={500}
                  value={w.proactiveMessage}
                  onChange={(e) => setWidget({ proactiveMessage: e.target.value })}
                />
              </Field>
              <Field
                label={t("editor.widget.proactiveDelay")}
                error={errors["widget.proactive.delaySeconds"]}
              >
                <Input
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={3600}
                  className="max-w-40"
                  value={w.proactiveDelay}
                  onChange={(e) => setWidget({ proactiveDelay: e.target.value })}
                />
              </Field>
              <Field
                label={t("editor.widget.proactivePages")}
                hint={t("editor.widget.proactivePagesHint")}
                error={errors["widget.proactive.urlPatterns"]}
              >
                <Textarea
                  rows={3}
                  placeholder={"/pricing*\n/contact"}
                  value={w.proactivePages}
                  onChange={(e) => setWidget({ proactivePages: e.target.value })}
                />
              </Field>
            </>
          )}
        </Section>
      </ReadOnly>

      <EmbedSection
        workspaceId={props.workspaceId}
        agent={props.agent}
        dirty={props.dirty}
        readOnly={props.readOnly}
      />
    </div>
  );
}
