import { Bot, Headset, Loader2, NotebookPen, ThumbsDown, ThumbsUp, UserRound } from "lucide-react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { cn } from "../../lib/cn.ts";
import { formatDateTime } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import type { TInboxMessage } from "./inbox-api.ts";
import { safeHref } from "./inbox-logic.ts";

// One timeline: the visitor on the left, the AI (with its sources) and the team on the right,
// internal notes in amber across the width. Text is always rendered as text, never as HTML.

export type ShownMessage = TInboxMessage & { pending?: boolean };

export function Transcript(props: {
  messages: ShownMessage[];
  streaming: string;
  visitorTyping: boolean;
  teammateTyping: string | null;
}) {
  const { t } = useTranslation(NS);
  const end = useRef<HTMLDivElement>(null);
  const size = props.messages.length + props.streaming.length + (props.visitorTyping ? 1 : 0);
  useEffect(() => {
    if (size >= 0) end.current?.scrollIntoView?.({ block: "end" });
  }, [size]);

  return (
    <div className="min-h-0 flex-1 overflow-y-auto p-3 sm:p-4">
      {props.messages.length === 0 && !props.streaming ? (
        <p className="p-6 text-center text-sm text-muted-foreground">{t("transcript.empty")}</p>
      ) : (
        <ol className="grid gap-3" aria-label={t("transcript.label")}>
          {props.messages.map((m) => (
            <MessageItem key={m.id} m={m} />
          ))}
          {props.streaming && (
            <li className="flex flex-col items-end gap-1" data-role="assistant" data-streaming="true">
              <Author icon={Bot} label={t("who.assistant")} />
              <div className="max-w-[85%] rounded-lg border border-sky-200 bg-sky-50 px-3 py-2 text-sm whitespace-pre-wrap text-sky-950 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-50">
                {props.streaming}
                <span className="sr-only"> {t("transcript.writing")}</span>
              </div>
            </li>
          )}
        </ol>
      )}
      <div aria-live="polite" className="min-h-6 pt-2 text-xs text-muted-foreground">
        {props.visitorTyping && (
          <span className="inline-flex items-center gap-1" data-testid="visitor-typing">
            <Loader2 className="size-3 animate-spin" aria-hidden />
            {t("transcript.visitorTyping")}
          </span>
        )}
        {props.teammateTyping && (
          <span className="ml-3 inline-flex items-center gap-1">
            {t("transcript.teammateTyping", { name: props.teammateTyping })}
          </span>
        )}
      </div>
      <div ref={end} />
    </div>
  );
}

function Author({ icon: Icon, label, at }: { icon: typeof Bot; label: string; at?: string }) {
  const { i18n } = useTranslation(NS);
  return (
    <span className="flex items-center gap-1.5 text-xs text-muted-foreground">
      <Icon className="size-3.5" aria-hidden />
      <span className="font-medium text-foreground">{label}</span>
      {at && <time dateTime={at}>{formatDateTime(i18n.language, at)}</time>}
    </span>
  );
}

function MessageItem({ m }: { m: ShownMessage }) {
  const { t } = useTranslation(NS);
  if (m.role === "system") {
    return (
      <li className="text-center text-xs text-muted-foreground" data-role="system">
        {m.content}
      </li>
    );
  }
  if (m.role === "note") {
    return (
      <li className="flex flex-col gap-1" data-role="note" aria-busy={m.pending || undefined}>
        <Author
          icon={NotebookPen}
          label={t("transcript.noteBy", { name: m.authorName ?? t("who.operator") })}
          at={m.createdAt}
        />
        <div className="rounded-lg border border-dashed border-amber-400 bg-amber-50 px-3 py-2 text-sm whitespace-pre-wrap text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50">
          <span className="sr-only">{t("transcript.noteHidden")} </span>
          {m.content}
        </div>
      </li>
    );
  }
  const visitor = m.role === "visitor";
  const assistant = m.role === "assistant";
  const label = visitor
    ? t("who.visitor")
    : assistant
      ? t("who.assistant")
      : (m.authorName ?? t("who.operator"));
  return (
    <li
      className={cn("flex flex-col gap-1", visitor ? "items-start" : "items-end")}
      data-role={m.role}
      aria-busy={m.pending || undefined}
    >
      <Author icon={visitor ? UserRound : assistant ? Bot : Headset} label={label} at={m.createdAt} />
      <div
        className={cn(
          "max-w-[85%] rounded-lg px-3 py-2 text-sm break-words whitespace-pre-wrap",
          visitor && "bg-muted",
          assistant &&
            "border border-sky-200 bg-sky-50 text-sky-950 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-50",
          m.role === "operator" && "bg-primary text-primary-foreground",
          m.pending && "opacity-70",
        )}
      >
        {m.content}
      </div>
      {m.pending && <span className="text-xs text-muted-foreground">{t("transcript.sending")}</span>}
      {m.status === "failed" && (
        <span className="text-xs text-destructive">{m.error?.message ?? t("transcript.failed")}</span>
      )}
      {assistant && m.citations.length > 0 && (
        <details className="max-w-[85%] text-xs text-muted-foreground">
          <summary className="cursor-pointer">{t("transcript.sources", { n: m.citations.length })}</summary>
          <ol className="mt-1 grid gap-1">
            {m.citations.map((c) => {
              const href = safeHref(c.url);
              return (
                <li key={`${c.index}-${c.passageId}`}>
                  [{c.index}]{" "}
                  {href ? (
                    <a href={href} target="_blank" rel="noopener noreferrer" className="underline">
                      {c.title}
                    </a>
                  ) : (
                    c.title
                  )}
                  {c.quote && <q className="mt-0.5 block italic">{c.quote}</q>}
                </li>
              );
            })}
          </ol>
        </details>
      )}
      {m.feedback !== null && m.feedback !== 0 && (
        <span className="flex items-center gap-1 text-xs text-muted-foreground">
          {m.feedback > 0 ? (
            <ThumbsUp className="size-3" aria-hidden />
          ) : (
            <ThumbsDown className="size-3" aria-hidden />
          )}
          {m.feedback > 0 ? t("transcript.helpful") : t("transcript.notHelpful")}
        </span>
      )}
    </li>
  );
}
