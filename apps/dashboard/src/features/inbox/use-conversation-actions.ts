import { type InfiniteData, useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { NS } from "./i18n.ts";
import {
  assignConversation,
  type ConversationAction,
  changeConversation,
  inboxKeys,
  postMessage,
  type TCannedResponse,
  type TInboxConversation,
  type TInboxList,
  type TTranscript,
} from "./inbox-api.ts";
import { expandShortcut, patchPages } from "./inbox-logic.ts";
import type { ShownMessage } from "./transcript.tsx";
import { emptyMessage } from "./use-inbox-sync.ts";

type Me = { id: string; name: string };

// Take over, hand back, resolve, reopen, assign, reply and note — each shown at once (optimistic)
// where the outcome is certain, put back if the server refuses, and confirmed by a toast.

export function useConversationActions(
  ws: string,
  id: string,
  me: Me | undefined,
  canned: TCannedResponse[],
) {
  const qc = useQueryClient();
  const { t } = useTranslation(NS);
  const errorMessage = useErrorMessage();
  const tKey = inboxKeys.transcript(ws, id);
  const listKey = inboxKeys.lists(ws);

  async function snapshot() {
    await qc.cancelQueries({ queryKey: tKey });
    return {
      transcript: qc.getQueryData<TTranscript>(tKey),
      lists: qc.getQueriesData<InfiniteData<TInboxList>>({ queryKey: listKey }),
    };
  }
  type Snapshot = Awaited<ReturnType<typeof snapshot>>;
  function restore(s: Snapshot | undefined) {
    if (!s) return;
    qc.setQueryData(tKey, s.transcript);
    for (const [key, data] of s.lists) qc.setQueryData(key, data);
  }
  function patch(p: Partial<TInboxConversation>) {
    qc.setQueryData<TTranscript>(tKey, (d) => d && { ...d, conversation: { ...d.conversation, ...p } });
    qc.setQueriesData<InfiniteData<TInboxList>>({ queryKey: listKey }, (d) => patchPages(d, id, p));
  }
  const settle = () => {
    void qc.invalidateQueries({ queryKey: listKey });
    void qc.invalidateQueries({ queryKey: inboxKeys.unreadTotal(ws) });
  };

  const action = useMutation({
    mutationFn: (a: ConversationAction) => changeConversation(ws, id, a),
    onMutate: async (a) => {
      const s = await snapshot();
      const optimistic: Partial<Record<ConversationAction, Partial<TInboxConversation>>> = {
        takeover: { status: "human", assigneeId: me?.id ?? null, assigneeName: me?.name ?? null },
        handback: { status: "ai", assigneeId: null, assigneeName: null },
        resolve: { status: "resolved" },
        // reopen goes back to whoever held it: only the server knows.
      };
      const p = optimistic[a];
      if (p) patch(p);
      return s;
    },
    onError: (err, _a, s) => {
      restore(s);
      toast.error(errorMessage(err));
    },
    onSuccess: (c, a) => {
      patch(c);
      toast.success(t(`toast.${a}`));
    },
    onSettled: settle,
  });

  const assign = useMutation({
    mutationFn: (m: { userId: string | null; name: string | null }) => assignConversation(ws, id, m.userId),
    onMutate: async (m) => {
      const s = await snapshot();
      patch({ assigneeId: m.userId, assigneeName: m.name });
      return s;
    },
    onError: (err, _m, s) => {
      restore(s);
      toast.error(errorMessage(err));
    },
    onSuccess: (c, m) => {
      patch(c);
      toast.success(m.userId ? t("toast.assigned", { name: m.name }) : t("toast.unassigned"));
    },
    onSettled: settle,
  });

  const send = useMutation({
    mutationFn: (v: { kind: "reply" | "note"; content: string }) => postMessage(ws, id, v.kind, v.content),
    onMutate: async (v) => {
      await qc.cancelQueries({ queryKey: tKey });
      const tempId = `pending-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
      const temp: ShownMessage = {
        ...emptyMessage,
        id: tempId,
        conversationId: id,
        role: v.kind === "note" ? "note" : "operator",
        content: v.kind === "note" ? v.content : expandShortcut(v.content, canned),
        authorId: me?.id ?? null,
        authorName: me?.name ?? null,
        createdAt: new Date().toISOString(),
        pending: true,
      };
      qc.setQueryData<TTranscript>(tKey, (d) => d && { ...d, messages: [...d.messages, temp] });
      return { tempId };
    },
    onError: (err, _v, ctx) => {
      qc.setQueryData<TTranscript>(
        tKey,
        (d) => d && { ...d, messages: d.messages.filter((m) => m.id !== ctx?.tempId) },
      );
      toast.error(errorMessage(err));
    },
    onSuccess: (msg, _v, ctx) => {
      qc.setQueryData<TTranscript>(tKey, (d) => {
        if (!d) return d;
        const rest = d.messages.filter((m) => m.id !== ctx?.tempId && m.id !== msg.id);
        return { ...d, messages: [...rest, msg] };
      });
    },
    // A reply may have taken the conversation over: the server says how it stands now.
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: tKey });
      settle();
    },
  });

  return { action, assign, send };
}
