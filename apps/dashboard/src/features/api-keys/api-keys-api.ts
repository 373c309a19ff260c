import type { TApiKey, TApiKeyScope, TCreateApiKeyRequest, ZCreatedApiKey } from "@minichat/contracts";
import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api.ts";

export type TCreatedApiKey = z.infer<typeof ZCreatedApiKey>;

const base = (ws: string) => `/api/v1/workspaces/${encodeURIComponent(ws)}/api-keys`;

export const apiKeysQuery = (ws: string) =>
  queryOptions({
    queryKey: ["api-keys", ws],
    queryFn: async () => (await api<{ apiKeys: TApiKey[] }>(base(ws))).apiKeys,
  });

export const createApiKey = (ws: string, body: TCreateApiKeyRequest) =>
  api<TCreatedApiKey>(base(ws), { body });

export const revokeApiKey = (ws: string, id: string) =>
  api<TApiKey>(`${base(ws)}/${encodeURIComponent(id)}`, { method: "DELETE" });

/** A key's state as the list shows it. */
export function keyState(k: Pick<TApiKey, "revokedAt" | "expiresAt">, now = Date.now()) {
  if (k.revokedAt) return "revoked" as const;
  if (k.expiresAt && Date.parse(k.expiresAt) <= now) return "expired" as const;
  return "active" as const;
}

/** The scope as a translation key (i18next reads ":" as a namespace separator). */
export const scopeKey = (s: TApiKeyScope) => `scopes.${s.replace(":", "_")}`;

/** Scopes grouped by what they cover, in the contract's order: `agents` → [read, write]. */
export function groupScopes(scopes: readonly TApiKeyScope[]): { area: string; scopes: TApiKeyScope[] }[] {
  const out = new Map<string, TApiKeyScope[]>();
  for (const s of scopes) {
    const area = s.split(":")[0]!;
    out.set(area, [...(out.get(area) ?? []), s]);
  }
  return [...out].map(([area, list]) => ({ area, scopes: list }));
}
