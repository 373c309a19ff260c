import { RotateCcw, Send, Square } from "lucide-react";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Textarea } from "../../components/ui/input.tsx";
import { useErrorMessage } from "../../components/ui/states.tsx";
import { cn } from "../../lib/cn.ts";
import { formatMs, formatNumber, formatUsd } from "../../lib/format.ts";
import { type ChatEntry, useTestChat } from "./use-test-chat.ts";

export function TestChat({ workspaceId, agentId }: { workspaceId: string; agentId: string }) {
  const { t } = useTranslation();
  const chat = useTestChat(workspaceId, agentId);
  const [text, setText] = useState("");
  const end = useRef<HTMLDivElement>(null);

  // Keep the newest message in view as the answer grows.
  const last = chat.entries.at(-1);
  const lastLength = last?.text.length ?? 0;
  useEffect(() => {
    if (lastLength >= 0) end.current?.scrollIntoView?.({ block: "end" });
  }, [lastLength]);

  function submit(e?: FormEvent) {
    e?.preventDefault();
    const message = text.trim();
    if (!message || chat.busy) return;
    setText("");
    void chat.send(message);
  }

  return (
    <section
      aria-labelledby="test-chat-title"
      className="flex h-[36rem] flex-col rounded-lg border bg-card shadow-sm"
    >
      <div className="flex items-center justify-between border-b p-3">
        <h2 id="test-chat-title" className="font-semibold">
          {t("chat.title")}
        </h2>
        <Button variant="ghost" size="sm" onClick={chat.reset} disabled={chat.entries.length === 0}>
          <RotateCcw aria-hidden />
          {t("chat.reset")}
        </Button>
      </div>
      <div className="flex-1 overflow-y-auto p-3" aria-live="polite" aria-busy={chat.busy}>
        {chat.entries.length === 0 ? (
          <p className="p-6 text-center text-sm text-muted-foreground">{t("chat.empty")}</p>
        ) : (
          <ol className="grid gap-3">
            {chat.entries.map((e) => (
              <ChatBubble key={e.id} entry={e} />
            ))}
          </ol>
        )}
        <div ref={end} />
      </div>
      <form onSubmit={submit} className="flex items-end gap-2 border-t p-3">
        <label htmlFor="test-chat-input" className="sr-only">
          {t("chat.placeholder")}
        </label>
        <Textarea
          id="test-chat-input"
          rows={2}
          className="min-h-10 flex-1 resize-none"
          placeholder={t("chat.placeholder")}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) submit(e);
          }}
        />
        {chat.busy ? (
          <Button type="button" variant="outline" size="icon" onClick={chat.stop} aria-label={t("chat.stop")}>
            <Square aria-hidden />
          </Button>
        ) : (
          <Button type="submit" size="icon" aria-label={t("chat.send")} disabled={!text.trim()}>
            <Send aria-hidden />
          </Button>
        )}
      </form>
    </section>
  );
}

function ChatBubble({ entry }: { entry: ChatEntry }) {
  const { t, i18n } = useTranslation();
  const errorMessage = useErrorMessage();
  const mine = entry.role === "user";
  const lang = i18n.language;
  return (
    <li className={cn("flex flex-col gap-1", mine ? "items-end" : "items-start")}>
      <span className="sr-only">{mine ? t("chat.you") : t("chat.agent")}</span>
      <div
        className={cn(
          "max-w-[85%] rounded-lg px-3 py-2 text-sm whitespace-pre-wrap",
          mine ? "bg-primary text-primary-foreground" : "bg-muted",
        )}
        data-role={entry.role}
      >
        {entry.text ||
          (entry.streaming ? <span className="text-muted-foreground">{t("chat.thinking")}</span> : null)}
      </div>
      {entry.citations.length > 0 && (
        <details className="max-w-[85%] text-xs text-muted-foreground">
          <summary className="cursor-pointer">{t("chat.sources", { n: entry.citations.length })}</summary>
          <ol className="mt-1 grid gap-1">
            {entry.citations.map((c) => (
              <li key={`${c.index}-${c.passageId}`}>
                [{c.index}] {c.title}
              </li>
            ))}
          </ol>
        </details>
      )}
      {entry.error && (
        <p role="alert" className="max-w-[85%] text-xs text-destructive">
          {t("chat.error", { message: errorMessage(entry.error) })}
        </p>
      )}
      {entry.usage && (
        <dl
          className="flex flex-wrap gap-x-3 text-xs text-muted-foreground"
          aria-label={t("chat.usageLabel")}
        >
          <div className="flex gap-1">
            <dt className="font-medium">{t("chat.model")}</dt>
            <dd>{entry.usage.provider === "builtin" ? t("agents.builtin") : entry.usage.modelLabel}</dd>
          </div>
          <div className="flex gap-1">
            <dt className="font-medium">{t("chat.tokens")}</dt>
            <dd>
              {t("chat.tokensValue", {
                input: formatNumber(lang, entry.usage.inputTokens),
                output: formatNumber(lang, entry.usage.outputTokens),
              })}
            </dd>
          </div>
          <div className="flex gap-1">
            <dt className="font-medium">{t("chat.latency")}</dt>
            <dd>{formatMs(lang, entry.usage.latencyMs)}</dd>
          </div>
          <div className="flex gap-1">
            <dt className="font-medium">{t("chat.cost")}</dt>
            <dd>{formatUsd(lang, entry.usage.costUsd)}</dd>
          </div>
        </dl>
      )}
    </li>
  );
}
