import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { ArrowLeft, Bot, CheckCheck, Hand, Info, RotateCcw } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Select } from "../../components/ui/input.tsx";
import { ErrorState } from "../../components/ui/states.tsx";
import { sessionQuery, workspacesQuery } from "../../lib/session.ts";
import { useLive, useLiveEvents } from "../../lib/use-live.ts";
import { Composer } from "./composer.tsx";
import { ChannelBadge, conversationName, StatusBadge } from "./conversation-bits.tsx";
import { NS } from "./i18n.ts";
import {
  cannedQuery,
  inboxKeys,
  membersQuery,
  type TInboxConversation,
  transcriptQuery,
} from "./inbox-api.ts";
import { patchPages } from "./inbox-logic.ts";
import { Transcript } from "./transcript.tsx";
import { useConversationActions } from "./use-conversation-actions.ts";
import { VisitorDetails } from "./visitor-details.tsx";

const TYPING_TIMEOUT_MS = 6000;

export function ConversationView({
  workspaceId,
  conversationId,
}: {
  workspaceId: string;
  conversationId: string;
}) {
  const { t } = useTranslation(NS);
  const qc = useQueryClient();
  const transcript = useQuery(transcriptQuery(workspaceId, conversationId));
  const canned = useQuery(cannedQuery(workspaceId));
  const members = useQuery(membersQuery(workspaceId));
  const { data: session } = useQuery(sessionQuery);
  const { data: workspaces } = useQuery(workspacesQuery);
  const role = workspaces?.find((w) => w.id === workspaceId)?.role;
  const canReply = role !== undefined && role !== "viewer";
  const me = session ? { id: session.user.id, name: session.user.name } : undefined;
  const { action, assign, send } = useConversationActions(workspaceId, conversationId, me, canned.data ?? []);
  const live = useLive();
  const assignId = useId();

  // Follow this conversation: the visitor's typing and the AI's answer as it is written.
  const [streaming, setStreaming] = useState("");
  const [visitorTyping, setVisitorTyping] = useState(false);
  const [teammate, setTeammate] = useState<string | null>(null);
  const answerStored = useRef(false);
  useEffect(() => live?.watch(conversationId), [live, conversationId]);
  useEffect(() => {
    if (!visitorTyping) return;
    const timer = setTimeout(() => setVisitorTyping(false), TYPING_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [visitorTyping]);
  useEffect(() => {
    if (!teammate) return;
    const timer = setTimeout(() => setTeammate(null), TYPING_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [teammate]);
  useLiveEvents(live, (event, p) => {
    if (!("conversationId" in p) || p.conversationId !== conversationId) return;
    if (event === "message.delta") setStreaming((s) => s + (p as { text: string }).text);
    if (event === "typing") {
      const e = p as { who: string; userId?: string; typing: boolean };
      if (e.who === "visitor") setVisitorTyping(e.typing);
      else if (e.userId !== me?.id) {
        const name = members.data?.find((m) => m.userId === e.userId)?.name ?? t("who.operator");
        setTeammate(e.typing ? name : null);
      }
    }
    if (event === "message.created") {
      const role = (p as { role: string }).role;
      // The live text gives way to the stored answer once the transcript has it (no blink).
      if (role === "assistant") answerStored.current = true;
      if (role === "visitor") setVisitorTyping(false);
    }
  });

  // Opening the transcript marked it read on the server: the list shows that at once.
  const loadedAt = transcript.dataUpdatedAt;
  useEffect(() => {
    if (!loadedAt) return;
    if (answerStored.current) {
      answerStored.current = false;
      setStreaming("");
    }
    qc.setQueriesData({ queryKey: inboxKeys.lists(workspaceId) }, (d) =>
      patchPages(d as Parameters<typeof patchPages>[0], conversationId, { unreadCount: 0 }),
    );
    void qc.invalidateQueries({ queryKey: inboxKeys.unreadTotal(workspaceId) });
  }, [loadedAt, qc, workspaceId, conversationId]);

  const back = (
    <Button asChild variant="ghost" size="sm" className="md:hidden">
      <Link to="/w/$workspaceId/inbox" params={{ workspaceId }}>
        <ArrowLeft aria-hidden />
        {t("back")}
      </Link>
    </Button>
  );

  if (transcript.isPending) {
    return (
      <div className="grid gap-3 p-4" role="status" aria-label={t("common.loading")}>
        {back}
        <div className="h-6 w-48 animate-pulse rounded bg-muted" />
        {[0, 1, 2].map((i) => (
          <div
            key={i}
            className={`h-14 w-2/3 animate-pulse rounded-lg bg-muted ${i % 2 ? "justify-self-end" : ""}`}
          />
        ))}
      </div>
    );
  }
  if (transcript.isError) {
    return (
      <div className="grid gap-3 p-4">
        {back}
        <ErrorState error={transcript.error} onRetry={() => void transcript.refetch()} />
      </div>
    );
  }

  const c: TInboxConversation = transcript.data.conversation;
  const name = conversationName(c, t);
  const repliers = (members.data ?? []).filter((m) => m.role !== "viewer");
  const busy = action.isPending;
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b p-3">
        {back}
        <div className="min-w-[min(12rem,100%)] flex-1">
          <h2 className="truncate font-semibold">{name}</h2>
          <div className="mt-1 flex flex-wrap items-center gap-1.5">
            <StatusBadge status={c.status} />
            <ChannelBadge channel={c.channel} />
            <span className="text-xs text-muted-foreground">{c.agentName}</span>
          </div>
        </div>
        {canReply && (
          <div className="flex flex-wrap items-center gap-2">
            {c.status !== "resolved" && (c.status !== "human" || c.assigneeId !== me?.id) && (
              <Button size="sm" disabled={busy} onClick={() => action.mutate("takeover")}>
                <Hand aria-hidden />
                {t("actions.takeover")}
              </Button>
            )}
            {(c.status === "human" || c.status === "waiting_human") && (
              <Button size="sm" variant="outline" disabled={busy} onClick={() => action.mutate("handback")}>
                <Bot aria-hidden />
                {t("actions.handback")}
              </Button>
            )}
            {c.status !== "resolved" ? (
              <Button size="sm" variant="outline" disabled={busy} onClick={() => action.mutate("resolve")}>
                <CheckCheck aria-hidden />
                {t("actions.resolve")}
              </Button>
            ) : (
              <Button size="sm" variant="outline" disabled={busy} onClick={() => action.mutate("reopen")}>
                <RotateCcw aria-hidden />
                {t("actions.reopen")}
              </Button>
            )}
            <label htmlFor={assignId} className="sr-only">
              {t("actions.assign")}
            </label>
            <Select
              id={assignId}
              className="h-8 w-auto max-w-44 py-0"
              value={c.assigneeId ?? ""}
              disabled={assign.isPending || !members.data}
              onChange={(e) => {
                const userId = e.target.value || null;
                const who = repliers.find((m) => m.userId === userId);
                assign.mutate({ userId, name: who?.name ?? null });
              }}
            >
              <option value="">{t("actions.unassigned")}</option>
              {c.assigneeId && !repliers.some((m) => m.userId === c.assigneeId) && (
                <option value={c.assigneeId}>{c.assigneeName ?? c.assigneeId}</option>
              )}
              {repliers.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.userId === me?.id ? t("actions.me", { name: m.name }) : m.name}
                </option>
              ))}
            </Select>
          </div>
        )}
      </header>
      <div className="flex min-h-0 flex-1">
        <div className="flex min-w-0 flex-1 flex-col">
          <details className="border-b px-3 py-2 text-sm xl:hidden">
            <summary className="flex cursor-pointer items-center gap-2 text-muted-foreground">
              <Info className="size-4" aria-hidden />
              {t("details.title")}
            </summary>
            <div className="pt-2">
              <VisitorDetails c={c} />
            </div>
          </details>
          <Transcript
            messages={transcript.data.messages}
            streaming={streaming}
            visitorTyping={visitorTyping}
            teammateTyping={teammate}
          />
          {c.status === "ai" && canReply && (
            <p className="border-t bg-sky-50 px-3 py-2 text-xs text-sky-950 dark:bg-sky-950 dark:text-sky-50">
              {t("aiAnswering")}
            </p>
          )}
          {canReply ? (
            <Composer
              canned={canned.data ?? []}
              onSend={(kind, content) =>
                send.mutateAsync({ kind, content }).then(
                  () => true,
                  () => false,
                )
              }
              onTyping={(typing) => live?.typing(conversationId, typing)}
            />
          ) : (
            <p className="border-t p-3 text-sm text-muted-foreground">{t("readOnly")}</p>
          )}
        </div>
        <aside
          aria-label={t("details.title")}
          className="hidden w-64 shrink-0 overflow-y-auto border-l p-4 xl:block"
        >
          <h3 className="mb-3 text-sm font-semibold">{t("details.title")}</h3>
          <VisitorDetails c={c} />
        </aside>
      </div>
    </div>
  );
}
