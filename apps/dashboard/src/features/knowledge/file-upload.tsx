import type { TSource } from "@minichat/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { CircleAlert, Upload } from "lucide-react";
import { type DragEvent, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { cn } from "../../lib/cn.ts";
import { formatNumber } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { sourcesQuery, sourcesUrl, type TSourceList } from "./knowledge-api.ts";
import { useKnowledgeError } from "./knowledge-errors.ts";
import { SourceStatus } from "./source-status.tsx";
import { ACCEPTED_EXTENSIONS, checkFile, type FileProblem, formatBytes, uploadFile } from "./upload.ts";

type Item = {
  key: string;
  name: string;
  size: number;
  sent: number; // 0..1
  sourceId?: string;
  problem?: FileProblem;
  error?: unknown;
};

/**
 * Drop files here or pick them: each goes up on its own with a progress bar, then shows its
 * source's status as ingestion runs (from the polled sources list), or why it was refused.
 */
export function FileUpload(props: {
  workspaceId: string;
  agentId: string;
  sources: TSource[];
  maxFileBytes: number;
}) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const qc = useQueryClient();
  const errorText = useKnowledgeError();
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const [items, setItems] = useState<Item[]>([]);
  const [over, setOver] = useState(false);
  const key = sourcesQuery(props.workspaceId, props.agentId).queryKey;

  const update = (k: string, patch: Partial<Item>) =>
    setItems((list) => list.map((i) => (i.key === k ? { ...i, ...patch } : i)));

  function add(files: File[]) {
    const fresh = files.map((file) => ({
      file,
      item: {
        key: `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`,
        name: file.name,
        size: file.size,
        sent: 0,
        ...(checkFile(file, props.maxFileBytes) ? { problem: checkFile(file, props.maxFileBytes)! } : {}),
      } satisfies Item,
    }));
    setItems((list) => [...fresh.map((f) => f.item), ...list]);
    for (const { file, item } of fresh) {
      if (item.problem) continue;
      uploadFile(sourcesUrl(props.workspaceId, props.agentId), file, (sent) =>
        update(item.key, { sent }),
      ).then(
        (source) => {
          update(item.key, { sourceId: source.id, sent: 1 });
          const list = qc.getQueryData<TSourceList>(key);
          if (list) {
            qc.setQueryData<TSourceList>(key, {
              ...list,
              sources: [source, ...list.sources.filter((s) => s.id !== source.id)],
            });
          }
          void qc.invalidateQueries({ queryKey: key });
        },
        (error: unknown) => update(item.key, { error }),
      );
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    add(Array.from(e.dataTransfer.files));
  }

  const done = items.filter(
    (i) => i.problem || i.error || statusOf(i) === "ready" || statusOf(i) === "failed",
  );
  function statusOf(i: Item) {
    return i.sourceId ? props.sources.find((s) => s.id === i.sourceId)?.status : undefined;
  }

  return (
    <div className="grid gap-4">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target; the button inside is the keyboard way */}
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={(e) => {
          // Moving onto a child (the button, the text) is not leaving the zone.
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
        }}
        onDrop={onDrop}
        data-testid="dropzone"
        className={cn(
          "flex flex-col items-center gap-3 rounded-lg border-2 border-dashed p-8 text-center transition-colors",
          over ? "border-primary bg-accent" : "border-input",
        )}
      >
        <Upload className="size-8 text-muted-foreground" aria-hidden />
        <p className="font-medium">{t("upload.drop")}</p>
        <Button
          type="button"
          variant="outline"
          onClick={() => input.current?.click()}
          aria-describedby={hintId}
        >
          {t("upload.choose")}
        </Button>
        <p id={hintId} className="text-xs text-muted-foreground">
          {t("upload.limits", { size: formatBytes(lang, props.maxFileBytes) })}
        </p>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          accept={ACCEPTED_EXTENSIONS.join(",")}
          aria-label={t("upload.choose")}
          onChange={(e) => {
            add(Array.from(e.target.files ?? []));
            e.target.value = "";
          }}
        />
      </div>

      {items.length > 0 && (
        <div className="grid gap-2">
          <div className="flex items-center justify-between gap-2">
            <h3 className="text-sm font-medium">{t("upload.files")}</h3>
            {done.length > 0 && (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => setItems((list) => list.filter((i) => !done.includes(i)))}
              >
                {t("upload.clear")}
              </Button>
            )}
          </div>
          <ul className="grid gap-2">
            {items.map((i) => (
              <UploadRow key={i.key} item={i} status={statusOf(i)} errorText={errorText} lang={lang} />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function UploadRow(props: {
  item: Item;
  status: TSource["status"] | undefined;
  errorText: (e: unknown) => string;
  lang: string;
}) {
  const { t } = useTranslation(NS);
  const { item: i, lang } = props;
  const pct = Math.round(i.sent * 100);
  const refused = i.problem
    ? i.problem.code === "EMPTY"
      ? t("problems.EMPTY")
      : t("problems.TOO_LARGE", { size: formatBytes(lang, i.problem.maxBytes) })
    : i.error
      ? props.errorText(i.error)
      : null;
  const detail = (i.error as { message?: string } | undefined)?.message;
  return (
    <li className="grid gap-1.5 rounded-md border p-3 text-sm" data-upload={i.name}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="min-w-0 font-medium break-all">{i.name}</span>
        <span className="flex items-center gap-2 text-xs text-muted-foreground">
          {formatBytes(lang, i.size)}
          {refused ? null : props.status ? (
            <SourceStatus status={props.status} />
          ) : (
            <span>{t("upload.uploading", { percent: formatNumber(lang, pct) })}</span>
          )}
        </span>
      </div>
      {!i.problem && !i.error && (
        <div
          role="progressbar"
          aria-label={t("upload.progress", { name: i.name })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          className="h-1.5 overflow-hidden rounded-full bg-muted"
        >
          <div className="h-full bg-primary transition-[width]" style={{ width: `${pct}%` }} />
        </div>
      )}
      {refused && (
        <div role="alert" className="flex items-start gap-2 text-destructive">
          <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
          <p>
            {refused}
            {detail && detail !== refused && (
              <span lang="en" className="block text-xs text-muted-foreground">
                {detail}
              </span>
            )}
          </p>
        </div>
      )}
    </li>
  );
}
