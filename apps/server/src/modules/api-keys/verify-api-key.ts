import { sha256Hex } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { type ApiKeyRow, findApiKeyByHash, touchApiKey } from "./api-keys.repo.ts";

/**
 * Keys seen in the last moments, so a busy integration does not cost a database lookup per
 * request. Revoking through this node forgets the key at once; other nodes notice within the
 * TTL (two seconds), which is what "revoked immediately" means across a cluster.
 */
export type ApiKeyCache = {
  get(hash: string, now: number): ApiKeyRow | undefined;
  set(hash: string, row: ApiKeyRow, now: number): void;
  forget(keyId: string): void;
};

export function createApiKeyCache(ttlMs = 2_000, max = 10_000): ApiKeyCache {
  const byHash = new Map<string, { row: ApiKeyRow; at: number }>();
  return {
    get(hash, now) {
      const hit = byHash.get(hash);
      if (hit && now - hit.at < ttlMs) return hit.row;
      if (hit) byHash.delete(hash);
      return undefined;
    },
    set(hash, row, now) {
      if (byHash.size >= max) byHash.delete(byHash.keys().next().value!);
      byHash.set(hash, { row, at: now });
    },
    forget(keyId) {
      for (const [hash, hit] of byHash) if (hit.row.id === keyId) byHash.delete(hash);
    },
  };
}

export async function verifyApiKey(db: Db, key: string, now: Date, cache?: ApiKeyCache): Promise<ApiKeyRow> {
  const hash = sha256Hex(key);
  let row = cache?.get(hash, Date.now());
  if (!row) {
    row = await findApiKeyByHash(db, hash);
    if (row) cache?.set(hash, row, Date.now());
  }
  if (!row) throw new AppError("INVALID_API_KEY", "This API key is not valid");
  if (row.revokedAt) throw new AppError("INVALID_API_KEY", "This API key has been revoked");
  if (row.expiresAt && row.expiresAt <= now)
    throw new AppError("INVALID_API_KEY", "This API key has expired");
  // lastUsedAt is kept to the minute: skipping the write when it is fresh saves a statement
  // on nearly every API request.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= 60_000) {
    await touchApiKey(db, row.workspaceId, row.id, now);
    row.lastUsedAt = now;
  }
  return row;
}
