import type {
  TInboxConversation,
  ZCannedResponse,
  ZCreateCannedResponse,
  ZInboxList,
  ZInboxMessage,
  ZMemberList,
  ZTranscript,
  ZUpdateCannedResponse,
} from "@minichat/contracts";
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api.ts";
import { type InboxFilters, listSearch } from "./inbox-logic.ts";

export type TInboxList = z.infer<typeof ZInboxList>;
export type TInboxMessage = z.infer<typeof ZInboxMessage>;
export type TTranscript = z.infer<typeof ZTranscript>;
export type TCannedResponse = z.infer<typeof ZCannedResponse>;
export type TMember = z.infer<typeof ZMemberList>["members"][number];
export type { TInboxConversation };

const ws = (id: string) => `/api/v1/workspaces/${encodeURIComponent(id)}`;
const conv = (w: string, c: string) => `${ws(w)}/inbox/conversations/${encodeURIComponent(c)}`;

// Every inbox query key starts with ["inbox", workspaceId], so one invalidation refreshes the
// screen after a reconnect.
export const inboxKeys = {
  all: (w: string) => ["inbox", w] as const,
  lists: (w: string) => ["inbox", w, "list"] as const,
  list: (w: string, f: InboxFilters) => ["inbox", w, "list", f] as const,
  transcript: (w: string, c: string) => ["inbox", w, "conversation", c] as const,
  canned: (w: string) => ["inbox", w, "canned"] as const,
  members: (w: string) => ["inbox", w, "members"] as const,
  unreadTotal: (w: string) => ["inbox", w, "unread-total"] as const,
};

export const PAGE_SIZE = 30;

export const inboxListQuery = (w: string, f: InboxFilters) =>
  infiniteQueryOptions({
    queryKey: inboxKeys.list(w, f),
    queryFn: ({ pageParam, signal }) =>
      api<TInboxList>(`${ws(w)}/inbox/conversations?${listSearch(f, pageParam, PAGE_SIZE)}`, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

/** Reading the transcript also marks the conversation read on the server. */
export const transcriptQuery = (w: string, c: string) =>
  queryOptions({
    queryKey: inboxKeys.transcript(w, c),
    queryFn: ({ signal }) => api<TTranscript>(conv(w, c), { signal }),
  });

export const cannedQuery = (w: string) =>
  queryOptions({
    queryKey: inboxKeys.canned(w),
    queryFn: async () =>
      (await api<{ cannedResponses: TCannedResponse[] }>(`${ws(w)}/canned-responses`)).cannedResponses,
    staleTime: 60_000,
  });

export const membersQuery = (w: string) =>
  queryOptions({
    queryKey: inboxKeys.members(w),
    queryFn: async () => (await api<{ members: TMember[] }>(`${ws(w)}/members`)).members,
    staleTime: 60_000,
  });

export type ConversationAction = "takeover" | "handback" | "resolve" | "reopen";

export function changeConversation(w: string, c: string, action: ConversationAction) {
  return api<TInboxConversation>(`${conv(w, c)}/${action}`, { method: "POST" });
}

export function assignConversation(w: string, c: string, userId: string | null) {
  return api<TInboxConversation>(`${conv(w, c)}/assign`, { body: { userId } });
}

export function postMessage(w: string, c: string, kind: "reply" | "note", content: string) {
  return api<TInboxMessage>(`${conv(w, c)}/${kind === "note" ? "notes" : "messages"}`, {
    body: { content },
  });
}

export function createCanned(w: string, body: z.input<typeof ZCreateCannedResponse>) {
  return api<TCannedResponse>(`${ws(w)}/canned-responses`, { body });
}

export function updateCanned(w: string, id: string, body: z.input<typeof ZUpdateCannedResponse>) {
  return api<TCannedResponse>(`${ws(w)}/canned-responses/${encodeURIComponent(id)}`, {
    method: "PATCH",
    body,
  });
}

export function deleteCanned(w: string, id: string) {
  return api<null>(`${ws(w)}/canned-responses/${encodeURIComponent(id)}`, { method: "DELETE" });
}
