import type { TApiKeyScope } from "@minichat/contracts";
import { sha256Hex } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { newId, randomToken } from "../../platform/ids.ts";
import { type ApiKeyRow, insertApiKey } from "./api-keys.repo.ts";

export const API_KEY_PREFIX = "mck_";

export async function createApiKey(
  db: Db,
  input: {
    workspaceId: string;
    name: string;
    scopes: TApiKeyScope[];
    expiresInDays?: number;
    createdBy: string | null;
    now: Date;
  },
): Promise<{ row: ApiKeyRow; key: string }> {
  // 40 base32 characters = 200 bits: a plain SHA-256 is the right hash for a secret this strong.
  const key = `${API_KEY_PREFIX}${randomToken(40)}`;
  const row = await insertApiKey(db, {
    id: newId("key"),
    workspaceId: input.workspaceId,
    name: input.name,
    prefix: key.slice(0, API_KEY_PREFIX.length + 8),
    hash: sha256Hex(key),
    scopes: input.scopes,
    createdBy: input.createdBy,
    expiresAt: input.expiresInDays ? new Date(input.now.getTime() + input.expiresInDays * 86_400_000) : null,
  });
  return { row, key };
}
