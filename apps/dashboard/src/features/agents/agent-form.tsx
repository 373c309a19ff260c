import {
  type TAgent,
  type TProviderId,
  UNKNOWN_ANSWER_BEHAVIOURS,
  ZAgentLanguage,
  ZCreateAgentRequest,
  ZUpdateAgentRequest,
} from "@minichat/contracts";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Select, Textarea } from "../../components/ui/input.tsx";
import { ApiError } from "../../lib/api.ts";
import { FormError } from "../auth/form-error.tsx";
import { providersQuery } from "./agents-api.ts";
import { issuesByField } from "./issues.ts";

type Draft = {
  name: string;
  instructions: string;
  model: string; // "provider:model"
  temperature: string;
  maxTokens: string;
  welcomeMessage: string;
  suggestedQuestions: string;
  language: string;
  unknownAnswerBehaviour: string;
  status: string;
};

function toDraft(a?: TAgent): Draft {
  return {
    name: a?.name ?? "",
    instructions: a?.instructions ?? "",
    model: a ? `${a.provider}:${a.model}` : "",
    temperature: String(a?.temperature ?? 0.3),
    maxTokens: String(a?.maxTokens ?? 1024),
    welcomeMessage: a?.welcomeMessage ?? "",
    suggestedQuestions: (a?.suggestedQuestions ?? []).join("\n"),
    language: a?.language ?? "auto",
    unknownAnswerBehaviour: a?.unknownAnswerBehaviour ?? "say-so",
    status: a?.status ?? "draft",
  };
}

/** The form's fields as the API's body (unset model = the platform default). */
function toBody(d: Draft) {
  const sep = d.model.indexOf(":");
  return {
    name: d.name,
    instructions: d.instructions,
    ...(sep > 0 ? { provider: d.model.slice(0, sep) as TProviderId, model: d.model.slice(sep + 1) } : {}),
    temperature: Number(d.temperature),
    maxTokens: Number(d.maxTokens),
    welcomeMessage: d.welcomeMessage.trim() ? d.welcomeMessage : null,
    suggestedQuestions: d.suggestedQuestions
      .split("\n")
      .map((q) => q.trim())
      .filter(Boolean),
    language: d.language as "auto",
    unknownAnswerBehaviour: d.unknownAnswerBehaviour as "say-so",
    status: d.status as "draft",
  };
}

export function AgentForm(props: {
  workspaceId: string;
  agent?: TAgent;
  pending: boolean;
  error: unknown;
  saved?: boolean;
  onSubmit: (body: ReturnType<typeof toBody>) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(() => toDraft(props.agent));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const providers = useQuery(providersQuery(props.workspaceId));
  const set = (k: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const serverIssues = props.error instanceof ApiError ? props.error.fieldErrors() : {};
  const err = (k: string) => issues[k] ?? serverIssues[k];

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = toBody(draft);
    // The server's own schemas: what passes here passes there.
    const parsed = (props.agent ? ZUpdateAgentRequest : ZCreateAgentRequest).safeParse(body);
    if (!parsed.success) {
      setIssues(issuesByField(parsed.error.issues, t));
      return;
    }
    setIssues({});
    props.onSubmit(body);
  }

  const current = draft.model;
  const catalogue = providers.data ?? [];
  const known = catalogue.some((p) => p.models.some((m) => `${p.id}:${m.id}` === current));

  return (
    <form className="grid gap-5" onSubmit={submit} noValidate>
      <FormError error={props.error} />
      <Field label={t("agents.form.name")} error={err("name")}>
        <Input
          required
          maxLength={80}
          placeholder={t("agents.form.namePlaceholder")}
          value={draft.name}
          onChange={set("name")}
        />
      </Field>
      <Field
        label={t("agents.form.instructions")}
        hint={t("agents.form.instructionsHint")}
        error={err("instructions")}
      >
        <Textarea
          rows={6}
          placeholder={t("agents.form.instructionsPlaceholder")}
          value={draft.instructions}
          onChange={set("instructions")}
        />
      </Field>
      <Field
        label={t("agents.form.model")}
        hint={t("agents.form.modelHint")}
        error={err("model") ?? err("provider")}
      >
        <Select value={current} onChange={set("model")} disabled={providers.isPending}>
          {!props.agent && <option value="">{t("agents.form.defaultModel")}</option>}
          {current && !known && <option value={current}>{current}</option>}
          {catalogue.map((p) => (
            <optgroup
              key={p.id}
              label={p.configured ? p.label : `${p.label} — ${t("agents.form.notConfigured")}`}
            >
              {p.models.map((m) => (
                <option key={m.id} value={`${p.id}:${m.id}`} disabled={!p.configured}>
                  {p.id === "builtin" ? t("agents.builtin") : m.label}
                </option>
              ))}
            </optgroup>
          ))}
        </Select>
      </Field>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field
          label={t("agents.form.temperature")}
          hint={t("agents.form.temperatureHint")}
          error={err("temperature")}
        >
          <Input
            type="number"
            min={0}
            max={2}
            step={0.1}
            value={draft.temperature}
            onChange={set("temperature")}
          />
        </Field>
        <Field label={t("agents.form.maxTokens")} error={err("maxTokens")}>
          <Input
            type="number"
            min={16}
            max={32000}
            step={1}
            value={draft.maxTokens}
            onChange={set("maxTokens")}
          />
        </Field>
      </div>
      <Field label={t("agents.form.welcome")} error={err("welcomeMessage")}>
        <Input maxLength={1000} value={draft.welcomeMessage} onChange={set("welcomeMessage")} />
      </Field>
      <Field
        label={t("agents.form.suggested")}
        hint={t("agents.form.suggestedHint")}
        error={err("suggestedQuestions")}
      >
        <Textarea rows={3} value={draft.suggestedQuestions} onChange={set("suggestedQuestions")} />
      </Field>
      <div className="grid gap-5 sm:grid-cols-3">
        <Field label={t("agents.form.language")}>
          <Select value={draft.language} onChange={set("language")}>
            {ZAgentLanguage.options.map((l) => (
              <option key={l} value={l}>
                {t(`agents.form.languages.${l}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("agents.form.unknown")}>
          <Select value={draft.unknownAnswerBehaviour} onChange={set("unknownAnswerBehaviour")}>
            {UNKNOWN_ANSWER_BEHAVIOURS.map((b) => (
              <option key={b} value={b}>
                {t(`agents.form.unknownOptions.${b}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("agents.form.status")}>
          <Select value={draft.status} onChange={set("status")}>
            <option value="draft">{t("agents.status.draft")}</option>
            <option value="live">{t("agents.status.live")}</option>
          </Select>
        </Field>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={props.pending}>
          {props.pending ? t("common.saving") : props.agent ? t("common.save") : t("agents.form.create")}
        </Button>
        {props.saved && (
          <p role="status" className="text-sm text-muted-foreground">
            {t("common.saved")}
          </p>
        )}
      </div>
    </form>
  );
}
