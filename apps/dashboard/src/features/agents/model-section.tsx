import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { Field } from "../../components/ui/field.tsx";
import { Input, Select } from "../../components/ui/input.tsx";
import { ErrorState } from "../../components/ui/states.tsx";
import { formatNumber, formatUsd } from "../../lib/format.ts";
import { splitModel } from "./agent-draft.ts";
import { providersQuery, type TProviderCatalogue } from "./agents-api.ts";
import { Section, type SectionProps } from "./editor-ui.tsx";
import { NS } from "./i18n.ts";

type Provider = TProviderCatalogue["providers"][number];

/** The catalogue as <optgroup>s; providers without credentials are listed but not choosable. */
function ModelOptions({ catalogue, current }: { catalogue: Provider[]; current: string }) {
  const { t } = useTranslation(NS);
  const known = catalogue.some((p) => p.models.some((m) => `${p.id}:${m.id}` === current));
  return (
    <>
      {current && !known && (
        <option value={current}>
          {current.startsWith("builtin:")
            ? t("editor.model.builtin")
            : (splitModel(current)?.model ?? current)}
        </option>
      )}
      {catalogue.map((p) => (
        <optgroup
          key={p.id}
          label={p.configured ? p.label : `${p.label} — ${t("agents.form.notConfigured")}`}
        >
          {p.models.map((m) => (
            <option key={m.id} value={`${p.id}:${m.id}`} disabled={!p.configured}>
              {p.id === "builtin" ? t("editor.model.builtin") : m.label}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}

export function ModelSection({ workspaceId, draft, set, errors }: SectionProps & { workspaceId: string }) {
  const { t, i18n } = useTranslation(NS);
  const providers = useQuery(providersQuery(workspaceId));
  const catalogue = providers.data ?? [];
  const chosen = splitModel(draft.model);
  const provider = catalogue.find((p) => p.id === chosen?.provider);
  const model = provider?.models.find((m) => m.id === chosen?.model);
  const unconfigured = provider && !provider.configured;
  const tokens = Number(draft.maxTokens);

  return (
    <Section title={t("editor.model.title")} description={t("editor.model.description")}>
      {providers.isError && <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />}
      <Field
        label={t("agents.form.model")}
        hint={t("editor.model.modelHint")}
        error={errors.model ?? errors.provider}
      >
        <Select
          value={draft.model}
          onChange={(e) => set({ model: e.target.value })}
          disabled={providers.isPending}
        >
          <ModelOptions catalogue={catalogue} current={draft.model} />
        </Select>
      </Field>
      {model && chosen?.provider !== "builtin" && model.inputPerMillion !== null && (
        <p className="-mt-3 text-xs text-muted-foreground">
          {t("editor.model.price", {
            input: formatUsd(i18n.language, model.inputPerMillion),
            output: formatUsd(i18n.language, model.outputPerMillion ?? 0),
          })}
        </p>
      )}
      {unconfigured && (
        <p role="status" className="-mt-3 text-sm text-amber-800 dark:text-amber-300">
          {t("editor.model.unconfigured")}{" "}
          <Link to="/w/$workspaceId/providers" params={{ workspaceId }} className="underline">
            {t("editor.model.setUpProviders")}
          </Link>
        </p>
      )}
      <p className="-mt-2 text-sm text-muted-foreground">
        {t("editor.model.moreProviders")}{" "}
        <Link to="/w/$workspaceId/providers" params={{ workspaceId }} className="text-primary underline">
          {t("editor.model.setUpProviders")}
        </Link>
      </p>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field
          label={t("agents.form.temperature")}
          hint={t("editor.model.temperatureHint")}
          error={errors.temperature}
        >
          <Input
            type="number"
            inputMode="decimal"
            min={0}
            max={2}
            step={0.1}
            value={draft.temperature}
            onChange={(e) => set({ temperature: e.target.value })}
          />
        </Field>
        <Field
          label={t("agents.form.maxTokens")}
          hint={
            Number.isFinite(tokens) && tokens > 0
              ? t("editor.model.maxTokensHintWords", {
                  words: formatNumber(i18n.language, Math.round(tokens * 0.75)),
                })
              : t("editor.model.maxTokensHint")
          }
          error={errors.maxTokens}
        >
          <Input
            type="number"
            inputMode="numeric"
            min={16}
            max={32000}
            step={1}
            value={draft.maxTokens}
            onChange={(e) => set({ maxTokens: e.target.value })}
          />
        </Field>
      </div>
      <Field label={t("editor.model.fallback")} hint={t("editor.model.fallbackHint")} error={errors.fallback}>
        <Select
          value={draft.fallback}
          onChange={(e) => set({ fallback: e.target.value })}
          disabled={providers.isPending}
        >
          <option value="">{t("editor.model.noFallback")}</option>
          <ModelOptions catalogue={catalogue} current={draft.fallback} />
        </Select>
      </Field>
    </Section>
  );
}
