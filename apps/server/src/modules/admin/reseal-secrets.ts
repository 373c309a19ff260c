import { eq } from "drizzle-orm";
import { agentActions, agents, providerCredentials } from "../../db/schema/index.ts";
import type { KeyRing } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { identitySecretContext } from "../agents/identity-secret.ts";
import { actionHeadersContext } from "../agents/save-action.ts";
import { credentialContext } from "../providers/model-resolver.ts";

/**
 * Re-encrypts every value sealed under a previous SECRET_KEY with the current one, so the old
 * key can leave PREVIOUS_SECRET_KEYS. Idempotent: values already under the current key are
 * left alone. Returns how many values were re-sealed.
 */
export async function resealSecrets(
  db: Db,
  keyRing: KeyRing,
): Promise<{ resealed: number; checked: number }> {
  let resealed = 0;
  let checked = 0;
  for (const row of await db.select().from(providerCredentials)) {
    if (!row.apiKeySealed) continue;
    checked++;
    if (!keyRing.isStale(row.apiKeySealed)) continue;
    const context = credentialContext(row.workspaceId, row.provider);
    const value = keyRing.seal(keyRing.open(row.apiKeySealed, context), context);
    await db
      .update(providerCredentials)
      .set({ apiKeySealed: value })
      .where(eq(providerCredentials.id, row.id));
    resealed++;
  }
  for (const row of await db.select().from(agentActions)) {
    if (!row.headersSealed) continue;
    checked++;
    if (!keyRing.isStale(row.headersSealed)) continue;
    const context = actionHeadersContext(row.id);
    const value = keyRing.seal(keyRing.open(row.headersSealed, context), context);
    await db.update(agentActions).set({ headersSealed: value }).where(eq(agentActions.id, row.id));
    resealed++;
  }
  for (const row of await db.select().from(agents)) {
    if (!row.identitySecret) continue;
    checked++;
    if (!keyRing.isStale(row.identitySecret)) continue;
    const context = identitySecretContext(row.id);
    const value = keyRing.seal(keyRing.open(row.identitySecret, context), context);
    await db.update(agents).set({ identitySecret: value }).where(eq(agents.id, row.id));
    resealed++;
  }
  return { resealed, checked };
}
