import type {
  TAgent,
  TUpdateAgentRequest,
  ZCreateAgentRequest,
  ZProviderCatalogue,
} from "@minichat/contracts";
import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api.ts";

export type TProviderCatalogue = z.infer<typeof ZProviderCatalogue>;

const base = (ws: string) => `/api/v1/workspaces/${encodeURIComponent(ws)}`;

export const agentsQuery = (ws: string) =>
  queryOptions({
    queryKey: ["agents", ws],
    queryFn: async () => (await api<{ agents: TAgent[] }>(`${base(ws)}/agents`)).agents,
  });

export const agentQuery = (ws: string, id: string) =>
  queryOptions({
    queryKey: ["agents", ws, id],
    queryFn: () => api<TAgent>(`${base(ws)}/agents/${encodeURIComponent(id)}`),
  });

export const providersQuery = (ws: string) =>
  queryOptions({
    queryKey: ["providers", ws],
    queryFn: async () => (await api<TProviderCatalogue>(`${base(ws)}/providers`)).providers,
    staleTime: 60_000,
  });

export function createAgent(ws: string, body: z.input<typeof ZCreateAgentRequest>) {
  return api<TAgent>(`${base(ws)}/agents`, { body });
}

export function updateAgent(ws: string, id: string, body: TUpdateAgentRequest) {
  return api<TAgent>(`${base(ws)}/agents/${encodeURIComponent(id)}`, { method: "PATCH", body });
}

export const chatUrl = (ws: string, id: string) => `${base(ws)}/agents/${encodeURIComponent(id)}/chat`;
