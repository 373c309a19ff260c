import { sha256Hex } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { type ApiKeyRow, findApiKeyByHash, touchApiKey } from "./api-keys.repo.ts";

export async function verifyApiKey(db: Db, key: string, now: Date): Promise<ApiKeyRow> {
  const row = await findApiKeyByHash(db, sha256Hex(key));
  if (!row) throw new AppError("INVALID_API_KEY", "This API key is not valid");
  if (row.revokedAt) throw new AppError("INVALID_API_KEY", "This API key has been revoked");
  if (row.expiresAt && row.expiresAt <= now)
    throw new AppError("INVALID_API_KEY", "This API key has expired");
  // lastUsedAt is kept to the minute: skipping the write when it is fresh saves a statement
  // on nearly every API request.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= 60_000) {
    await touchApiKey(db, row.workspaceId, row.id, now);
  }
  return row;
}
