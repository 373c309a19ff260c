import type {
  TAgent,
  TCreateActionRequest,
  TUpdateActionRequest,
  TUpdateAgentRequest,
  ZAction,
  ZCreateAgentRequest,
  ZProviderCatalogue,
} from "@minichat/contracts";
import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api.ts";

export type TProviderCatalogue = z.infer<typeof ZProviderCatalogue>;
export type TAction = z.infer<typeof ZAction>;

const base = (ws: string) => `/api/v1/workspaces/${encodeURIComponent(ws)}`;
const agentPath = (ws: string, id: string) => `${base(ws)}/agents/${encodeURIComponent(id)}`;

export const agentsQuery = (ws: string) =>
  queryOptions({
    queryKey: ["agents", ws],
    queryFn: async () => (await api<{ agents: TAgent[] }>(`${base(ws)}/agents`)).agents,
  });

export const agentQuery = (ws: string, id: string) =>
  queryOptions({
    queryKey: ["agents", ws, id],
    queryFn: () => api<TAgent>(agentPath(ws, id)),
  });

export const providersQuery = (ws: string) =>
  queryOptions({
    queryKey: ["providers", ws],
    queryFn: async () => (await api<TProviderCatalogue>(`${base(ws)}/providers`)).providers,
    staleTime: 60_000,
  });

export const actionsQuery = (ws: string, agentId: string) =>
  queryOptions({
    queryKey: ["agents", ws, agentId, "actions"],
    queryFn: async () => (await api<{ actions: TAction[] }>(`${agentPath(ws, agentId)}/actions`)).actions,
  });

export function createAgent(ws: string, body: z.input<typeof ZCreateAgentRequest>) {
  return api<TAgent>(`${base(ws)}/agents`, { body });
}

export function updateAgent(ws: string, id: string, body: TUpdateAgentRequest) {
  return api<TAgent>(agentPath(ws, id), { method: "PATCH", body });
}

export function deleteAgent(ws: string, id: string) {
  return api<null>(agentPath(ws, id), { method: "DELETE" });
}

/** A new identity-verification secret: returned this once, never again. */
export function createIdentitySecret(ws: string, id: string) {
  return api<{ secret: string }>(`${agentPath(ws, id)}/identity-secret`, { method: "POST" });
}

export function createAction(ws: string, agentId: string, body: TCreateActionRequest) {
  return api<TAction>(`${agentPath(ws, agentId)}/actions`, { body });
}

export function updateAction(ws: string, agentId: string, actionId: string, body: TUpdateActionRequest) {
  return api<TAction>(`${agentPath(ws, agentId)}/actions/${encodeURIComponent(actionId)}`, {
    method: "PATCH",
    body,
  });
}

export function deleteAction(ws: string, agentId: string, actionId: string) {
  return api<null>(`${agentPath(ws, agentId)}/actions/${encodeURIComponent(actionId)}`, {
    method: "DELETE",
  });
}

export const chatUrl = (ws: string, id: string) => `${agentPath(ws, id)}/chat`;
