import {
  EMBEDDING_PROVIDERS,
  type TKnowledgeSettings,
  ZUpdateKnowledgeSettingsRequest,
} from "@minichat/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Select } from "../../components/ui/input.tsx";
import { ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { formatNumber } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { saveSettings, settingsQuery } from "./knowledge-api.ts";
import { issuesByPath, serverIssues } from "./knowledge-errors.ts";
import { SourceFormError } from "./source-form-error.tsx";

// Product names, the same in every language.
const PROVIDER_NAMES = { openai: "OpenAI", ollama: "Ollama" } as const;
const tones = { on: "success", off: "neutral", unavailable: "warning" } as const;

/** Semantic search: whether it is on, with which model, how far passages are embedded. */
export function KnowledgeSettings({
  workspaceId,
  readOnly = false,
}: {
  workspaceId: string;
  readOnly?: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const settings = useQuery(settingsQuery(workspaceId));
  if (settings.isPending) return <SkeletonList rows={1} />;
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  const s = settings.data;
  const lang = i18n.language;
  return (
    <div className="grid gap-4 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{t("settings.semantic")}</span>
        <Badge tone={tones[s.semanticSearch]}>{t(`settings.state.${s.semanticSearch}`)}</Badge>
      </div>
      <p className="text-muted-foreground">{t(`settings.explain.${s.semanticSearch}`)}</p>
      {s.effective && (
        <p>
          {t(s.effective.source === "workspace" ? "settings.usingOwn" : "settings.usingPlatform", {
            model: `${s.effective.provider}:${s.effective.model}`,
          })}{" "}
          {t("settings.coverage", {
            embedded: formatNumber(lang, s.embeddedChunks),
            total: formatNumber(lang, s.totalChunks),
          })}
        </p>
      )}
      {s.lastError && (
        <p className="text-destructive">
          {t("settings.lastError")} <span lang="en">{s.lastError}</span>
        </p>
      )}
      {s.semanticSearch !== "unavailable" && !readOnly && (
        <ModelForm workspaceId={workspaceId} settings={s} />
      )}
    </div>
  );
}

function ModelForm({ workspaceId, settings }: { workspaceId: string; settings: TKnowledgeSettings }) {
  const { t } = useTranslation(NS);
  const qc = useQueryClient();
  const [provider, setProvider] = useState<string>(settings.embedding?.provider ?? "openai");
  const [model, setModel] = useState(settings.embedding?.model ?? "");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: Parameters<typeof saveSettings>[1]) => saveSettings(workspaceId, body),
    onSuccess: (next) => {
      qc.setQueryData(settingsQuery(workspaceId).queryKey, next);
      toast.success(t("settings.saved"));
    },
  });
  const err = (k: string) => issues[k] ?? serverIssues(save.error, t)[k];

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = { embedding: { provider, model } };
    const parsed = ZUpdateKnowledgeSettingsRequest.safeParse(body);
    setIssues(parsed.success ? {} : issuesByPath(parsed.error.issues, t));
    if (parsed.success) save.mutate(parsed.data);
  }

  return (
    <form className="grid gap-3" onSubmit={submit} noValidate>
      <SourceFormError error={save.error} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={t("settings.provider")} error={err("embedding.provider")}>
          <Select value={provider} onChange={(e) => setProvider(e.target.value)}>
            {EMBEDDING_PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {p === "openai-compatible" ? t("settings.providers.openai-compatible") : PROVIDER_NAMES[p]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("settings.model")} hint={t("settings.modelHint")} error={err("embedding.model")}>
          <Input
            value={model}
            onChange={(e) => setModel(e.target.value)}
            placeholder="text-embedding-3-small"
          />
        </Field>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? t("common.saving") : t("settings.save")}
        </Button>
        {settings.embedding && (
          <Button type="button" variant="outline" onClick={() => save.mutate({ embedding: null })}>
            {t("settings.usePlatform")}
          </Button>
        )}
      </div>
    </form>
  );
}
