import { ZAgentLanguage } from "@minichat/contracts";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Select, Textarea } from "../../components/ui/input.tsx";
import { formatNumber } from "../../lib/format.ts";
import { Section, type SectionProps } from "./editor-ui.tsx";
import { NS } from "./i18n.ts";

const INSTRUCTIONS_MAX = 20_000;
const EXAMPLES = ["shop", "restaurant", "clinic"] as const;

export function BasicsSection({ draft, set, errors }: SectionProps) {
  const { t, i18n } = useTranslation(NS);
  const confirm = useConfirm();

  async function applyExample(key: (typeof EXAMPLES)[number]) {
    const text = t(`editor.basics.examples.${key}.text`);
    if (
      draft.instructions.trim() &&
      !(await confirm({
        title: t("editor.basics.replaceTitle"),
        body: t("editor.basics.replaceBody"),
        confirmLabel: t("editor.basics.replace"),
      }))
    ) {
      return;
    }
    set({ instructions: text });
  }

  return (
    <div className="grid gap-6">
      <Section title={t("editor.basics.title")} description={t("editor.basics.description")}>
        <Field label={t("agents.form.name")} hint={t("editor.basics.nameHint")} error={errors.name}>
          <Input
            required
            maxLength={80}
            placeholder={t("agents.form.namePlaceholder")}
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
          />
        </Field>
        <div className="grid gap-1.5">
          <Field
            label={t("agents.form.instructions")}
            hint={t("editor.basics.instructionsHint")}
            error={errors.instructions}
          >
            <Textarea
              rows={10}
              maxLength={INSTRUCTIONS_MAX}
              placeholder={t("agents.form.instructionsPlaceholder")}
              value={draft.instructions}
              onChange={(e) => set({ instructions: e.target.value })}
            />
          </Field>
          <p className="text-right text-xs text-muted-foreground">
            {t("editor.basics.count", {
              used: formatNumber(i18n.language, draft.instructions.length),
              max: formatNumber(i18n.language, INSTRUCTIONS_MAX),
            })}
          </p>
        </div>
        <details className="rounded-md border bg-muted/40 p-4 text-sm">
          <summary className="cursor-pointer font-medium">{t("editor.basics.tipsTitle")}</summary>
          <div className="mt-3 grid gap-3">
            <ul className="grid list-disc gap-1 pl-5 text-muted-foreground">
              <li>{t("editor.basics.tips.who")}</li>
              <li>{t("editor.basics.tips.what")}</li>
              <li>{t("editor.basics.tips.tone")}</li>
              <li>{t("editor.basics.tips.never")}</li>
              <li>{t("editor.basics.tips.knowledge")}</li>
            </ul>
            <p className="font-medium">{t("editor.basics.examplesTitle")}</p>
            <ul className="grid gap-3">
              {EXAMPLES.map((key) => (
                <li key={key} className="grid gap-2 rounded-md border bg-background p-3">
                  <p className="font-medium">{t(`editor.basics.examples.${key}.title`)}</p>
                  <p className="whitespace-pre-line text-muted-foreground">
                    {t(`editor.basics.examples.${key}.text`)}
                  </p>
                  <div>
                    <Button type="button" variant="outline" size="sm" onClick={() => void applyExample(key)}>
                      {t("editor.basics.useExample", { title: t(`editor.basics.examples.${key}.title`) })}
                    </Button>
                  </div>
                </li>
              ))}
            </ul>
          </div>
        </details>
        <Field
          label={t("agents.form.language")}
          hint={t("editor.basics.languageHint")}
          error={errors.language}
        >
          <Select
            value={draft.language}
            onChange={(e) => set({ language: e.target.value as SectionProps["draft"]["language"] })}
          >
            {ZAgentLanguage.options.map((l) => (
              <option key={l} value={l}>
                {t(`agents.form.languages.${l}`)}
              </option>
            ))}
          </Select>
        </Field>
      </Section>
    </div>
  );
}
