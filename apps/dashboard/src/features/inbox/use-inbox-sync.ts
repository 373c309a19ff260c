import { type InfiniteData, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useLiveEvents } from "../../lib/use-live.ts";
import type { InboxLive } from "../../lib/workspace-live.ts";
import { conversationName } from "./conversation-bits.tsx";
import { NS } from "./i18n.ts";
import { inboxKeys, type TInboxConversation, type TInboxList, type TTranscript } from "./inbox-api.ts";
import { appendMessage, patchPages } from "./inbox-logic.ts";
import { notifyIfHidden } from "./notifications.tsx";

// Live events → the query cache. Payloads are small (ids and what changed), so most events
// refetch what they touch; operator replies and notes carry their text and go straight in.

export function useInboxSync(workspaceId: string, live: InboxLive | null, openId: string | undefined) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { t } = useTranslation(NS);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // A burst of events (a visitor typing fast, the AI answering) refetches the list once.
  const refreshLists = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void qc.invalidateQueries({ queryKey: inboxKeys.lists(workspaceId) });
      void qc.invalidateQueries({ queryKey: inboxKeys.unreadTotal(workspaceId) });
    }, 250);
  };
  useEffect(() => () => clearTimeout(timer.current), []);

  const findConversation = (id: string): TInboxConversation | undefined => {
    const fromTranscript = qc.getQueryData<TTranscript>(inboxKeys.transcript(workspaceId, id));
    if (fromTranscript) return fromTranscript.conversation;
    for (const [, data] of qc.getQueriesData<InfiniteData<TInboxList>>({
      queryKey: inboxKeys.lists(workspaceId),
    })) {
      const hit = data?.pages.flatMap((p) => p.conversations).find((c) => c.id === id);
      if (hit) return hit;
    }
    return undefined;
  };

  const notify = (conversationId: string, title: string) => {
    const c = findConversation(conversationId);
    notifyIfHidden(title, c ? conversationName(c, t) : t("notify.someone"), conversationId, () => {
      void navigate({ to: "/w/$workspaceId/inbox/$conversationId", params: { workspaceId, conversationId } });
    });
  };

  useLiveEvents(live, (event, p) => {
    if ("workspaceId" in p && p.workspaceId !== workspaceId) return;
    switch (event) {
      case "conversation.created":
        refreshLists();
        break;
      case "conversation.updated": {
        const e = p as {
          conversationId: string;
          status: TInboxConversation["status"];
          assigneeId: string | null;
        };
        qc.setQueriesData<InfiniteData<TInboxList>>({ queryKey: inboxKeys.lists(workspaceId) }, (d) =>
          patchPages(d, e.conversationId, { status: e.status, assigneeId: e.assigneeId }),
        );
        // The assignee's name and the filters' view come from the server.
        void qc.invalidateQueries({ queryKey: inboxKeys.transcript(workspaceId, e.conversationId) });
        refreshLists();
        break;
      }
      case "message.created": {
        const e = p as { conversationId: string; role: string };
        // Refetching the open transcript also marks it read.
        if (e.conversationId === openId)
          void qc.invalidateQueries({ queryKey: inboxKeys.transcript(workspaceId, e.conversationId) });
        refreshLists();
        if (e.role === "visitor") notify(e.conversationId, t("notify.newMessage"));
        break;
      }
      case "message": {
        const m = p as { conversationId: string; id: string };
        const key = inboxKeys.transcript(workspaceId, m.conversationId);
        const current = qc.getQueryData<TTranscript>(key);
        if (current) {
          const full = {
            ...emptyMessage,
            ...p,
            citations: [],
            authorId: null,
          } as TTranscript["messages"][number];
          // My own reply may still be shown as pending: the live copy takes its place.
          const pending = current.messages.findIndex(
            (x) => (x as { pending?: boolean }).pending && x.role === full.role && x.content === full.content,
          );
          const messages =
            pending >= 0
              ? current.messages.map((x, i) => (i === pending ? full : x))
              : appendMessage(current.messages, full);
          qc.setQueryData<TTranscript>(key, { ...current, messages });
        }
        refreshLists();
        break;
      }
      case "handoff.requested": {
        const e = p as { conversationId: string };
        refreshLists();
        notify(e.conversationId, t("notify.handoff"));
        break;
      }
    }
  });

  useEffect(
    () => live?.onResync(() => void qc.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) })),
    [live, qc, workspaceId],
  );
}

/** The fields a live `message` event leaves out, for a transcript entry. */
export const emptyMessage = {
  status: "complete" as const,
  citations: [],
  toolCalls: [],
  provider: null,
  model: null,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  latencyMs: null,
  error: null,
  authorName: null,
  feedback: null,
};
