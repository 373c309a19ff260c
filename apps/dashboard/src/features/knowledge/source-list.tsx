import type { TSource } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FileText, Globe, type LucideIcon, MessagesSquare, RefreshCw, Trash2, Type } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { formatDateTime, formatNumber } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { deleteSource, resyncSource, sourcesQuery, type TSourceList } from "./knowledge-api.ts";
import { useKnowledgeError } from "./knowledge-errors.ts";
import { SourceStatus } from "./source-status.tsx";
import { formatBytes } from "./upload.ts";

const icons: Record<TSource["type"], LucideIcon> = {
  file: FileText,
  url: Globe,
  text: Type,
  qa: MessagesSquare,
};

export function SourceList(props: {
  workspaceId: string;
  agentId: string;
  sources: TSource[];
  readOnly?: boolean;
}) {
  const { t } = useTranslation(NS);
  return (
    <ul className="divide-y rounded-lg border bg-card" aria-label={t("sources.title")}>
      {props.sources.map((s) => (
        <SourceRow
          key={s.id}
          source={s}
          workspaceId={props.workspaceId}
          agentId={props.agentId}
          readOnly={props.readOnly ?? false}
        />
      ))}
    </ul>
  );
}

function SourceRow({
  source: s,
  workspaceId,
  agentId,
  readOnly,
}: {
  source: TSource;
  workspaceId: string;
  agentId: string;
  readOnly: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const qc = useQueryClient();
  const confirm = useConfirm();
  const errorText = useKnowledgeError();
  const key = sourcesQuery(workspaceId, agentId).queryKey;
  const Icon = icons[s.type];

  // Both update the list at once and put it back if the server says no.
  const patch = (fn: (list: TSource[]) => TSource[]) => {
    const before = qc.getQueryData<TSourceList>(key);
    if (before) qc.setQueryData<TSourceList>(key, { ...before, sources: fn(before.sources) });
    return before;
  };
  const resync = useMutation({
    mutationFn: () => resyncSource(workspaceId, agentId, s.id),
    onMutate: () => patch((l) => l.map((x) => (x.id === s.id ? { ...x, status: "queued", error: null } : x))),
    onSuccess: () => toast.success(t("sources.resyncStarted", { name: s.name })),
    onError: (err, _v, before) => {
      if (before) qc.setQueryData(key, before);
      toast.error(errorText(err));
    },
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: () => deleteSource(workspaceId, agentId, s.id),
    onMutate: () => patch((l) => l.filter((x) => x.id !== s.id)),
    onSuccess: () => toast.success(t("sources.deleted", { name: s.name })),
    onError: (err, _v, before) => {
      if (before) qc.setQueryData(key, before);
      toast.error(errorText(err));
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ["knowledge", workspaceId] }),
  });

  async function askDelete() {
    const ok = await confirm({
      title: t("sources.deleteTitle", { name: s.name }),
      body: t("sources.deleteBody"),
      confirmLabel: t("common.delete"),
      destructive: true,
    });
    if (ok) remove.mutate();
  }

  const busy = s.status === "queued" || s.status === "processing";
  return (
    <li className="flex flex-wrap items-start gap-3 p-4" data-source-id={s.id}>
      <Icon className="mt-0.5 size-5 shrink-0 text-muted-foreground" aria-hidden />
      <div className="grid min-w-0 flex-1 gap-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="min-w-0 font-medium break-words">{s.name}</span>
          <SourceStatus status={s.status} />
        </div>
        <p className="text-xs text-muted-foreground">
          {[
            t(`kind.${s.type}`),
            s.origin && s.origin !== s.name ? s.origin : null,
            s.sizeBytes > 0 ? formatBytes(lang, s.sizeBytes) : null,
            s.status === "ready" || s.chunkCount > 0
              ? t("sources.passages", { count: s.chunkCount, n: formatNumber(lang, s.chunkCount) })
              : null,
            s.readyAt ? t("sources.readyAt", { date: formatDateTime(lang, s.readyAt) }) : null,
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
        {s.status === "failed" && s.error && (
          <p className="text-sm text-destructive">
            {t("sources.failedBecause")} <span lang="en">{s.error}</span>
          </p>
        )}
      </div>
      {!readOnly && (
        <div className="flex gap-1">
          <Button
            variant="ghost"
            size="sm"
            onClick={() => resync.mutate()}
            disabled={busy || resync.isPending}
            aria-label={t("sources.resyncLabel", { name: s.name })}
          >
            <RefreshCw aria-hidden />
            <span className="hidden sm:inline">{t("sources.resync")}</span>
          </Button>
          <Button
            variant="ghost"
            size="sm"
            onClick={() => void askDelete()}
            disabled={remove.isPending}
            aria-label={t("sources.deleteLabel", { name: s.name })}
          >
            <Trash2 aria-hidden />
            <span className="hidden sm:inline">{t("common.delete")}</span>
          </Button>
        </div>
      )}
    </li>
  );
}
