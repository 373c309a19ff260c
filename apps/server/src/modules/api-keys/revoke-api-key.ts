import type { Db } from "../../platform/db/client.ts";
import { notFound } from "../../platform/errors.ts";
import { type ApiKeyRow, findApiKeyById, revokeApiKeyRow } from "./api-keys.repo.ts";

/** Idempotent: revoking a revoked key returns it unchanged. */
export async function revokeApiKey(
  db: Db,
  workspaceId: string,
  keyId: string,
  now: Date,
): Promise<ApiKeyRow> {
  const revoked = await revokeApiKeyRow(db, workspaceId, keyId, now);
  if (revoked) return revoked;
  const existing = await findApiKeyById(db, workspaceId, keyId);
  if (!existing) throw notFound("API key");
  return existing;
}
