import { and, eq } from "drizzle-orm";
import { providerCredentials } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

export type CredentialRow = typeof providerCredentials.$inferSelect;

export function findCredentials(db: Db, workspaceId: string): Promise<CredentialRow[]> {
  return db.select().from(providerCredentials).where(eq(providerCredentials.workspaceId, workspaceId));
}

export async function findCredential(
  db: Db,
  workspaceId: string,
  provider: string,
): Promise<CredentialRow | undefined> {
  const [row] = await db
    .select()
    .from(providerCredentials)
    .where(and(eq(providerCredentials.workspaceId, workspaceId), eq(providerCredentials.provider, provider)));
  return row;
}

export async function upsertCredential(
  db: Db,
  row: typeof providerCredentials.$inferInsert,
): Promise<CredentialRow> {
  const [saved] = await db
    .insert(providerCredentials)
    .values(row)
    .onConflictDoUpdate({
      target: [providerCredentials.workspaceId, providerCredentials.provider],
      set: {
        apiKeySealed: row.apiKeySealed,
        keyHint: row.keyHint,
        baseUrl: row.baseUrl,
        models: row.models,
        updatedAt: new Date(),
      },
    })
    .returning();
  return saved!;
}

export async function deleteCredential(db: Db, workspaceId: string, provider: string): Promise<boolean> {
  const rows = await db
    .delete(providerCredentials)
    .where(and(eq(providerCredentials.workspaceId, workspaceId), eq(providerCredentials.provider, provider)))
    .returning({ id: providerCredentials.id });
  return rows.length > 0;
}
