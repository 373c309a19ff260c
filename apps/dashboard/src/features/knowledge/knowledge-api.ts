import type {
  TKnowledgeSettings,
  TSource,
  TUpdateKnowledgeSettingsRequest,
  ZCreateSourceRequest,
  ZKnowledgeGaps,
  ZKnowledgeSearchResult,
  ZSourceList,
} from "@minichat/contracts";
import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api.ts";

export type TSourceList = z.infer<typeof ZSourceList>;
export type TSearchResult = z.infer<typeof ZKnowledgeSearchResult>["results"][number];
export type TGap = z.infer<typeof ZKnowledgeGaps>["gaps"][number];

const ws = (w: string) => `/api/v1/workspaces/${encodeURIComponent(w)}`;
const agent = (w: string, a: string) => `${ws(w)}/agents/${encodeURIComponent(a)}`;
export const sourcesUrl = (w: string, a: string) => `${agent(w, a)}/sources`;
const sourceUrl = (w: string, a: string, id: string) => `${sourcesUrl(w, a)}/${encodeURIComponent(id)}`;

/** A source still on its way to ready: the list is polled while any is. */
export const isInProgress = (s: Pick<TSource, "status">) =>
  s.status === "queued" || s.status === "processing";

export const sourcesQuery = (w: string, a: string) =>
  queryOptions({
    queryKey: ["knowledge", w, a, "sources"],
    queryFn: () => api<TSourceList>(sourcesUrl(w, a)),
    refetchInterval: (q) => (q.state.data?.sources.some(isInProgress) ? 1500 : false),
  });

export const gapsQuery = (w: string, a: string) =>
  queryOptions({
    queryKey: ["knowledge", w, a, "gaps"],
    queryFn: async () => (await api<{ gaps: TGap[] }>(`${agent(w, a)}/knowledge/gaps?limit=50`)).gaps,
  });

export const settingsQuery = (w: string) =>
  queryOptions({
    queryKey: ["knowledge", w, "settings"],
    queryFn: () => api<TKnowledgeSettings>(`${ws(w)}/knowledge/settings`),
  });

export function addSource(w: string, a: string, body: z.input<typeof ZCreateSourceRequest>) {
  return api<TSource>(sourcesUrl(w, a), { body });
}

export function resyncSource(w: string, a: string, id: string) {
  return api<TSource>(`${sourceUrl(w, a, id)}/resync`, { method: "POST" });
}

export function deleteSource(w: string, a: string, id: string) {
  return api<null>(sourceUrl(w, a, id), { method: "DELETE" });
}

export async function searchKnowledge(w: string, a: string, query: string) {
  return (await api<{ results: TSearchResult[] }>(`${agent(w, a)}/knowledge/search`, { body: { query } }))
    .results;
}

export function resolveGap(w: string, a: string, question: string) {
  return api<null>(`${agent(w, a)}/knowledge/gaps/resolve`, { body: { question } });
}

export function saveSettings(w: string, body: TUpdateKnowledgeSettingsRequest) {
  return api<TKnowledgeSettings>(`${ws(w)}/knowledge/settings`, { method: "PUT", body });
}
