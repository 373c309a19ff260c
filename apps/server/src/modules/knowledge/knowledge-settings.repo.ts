import type { TEmbeddingChoice } from "@minichat/contracts";
import { count, eq } from "drizzle-orm";
import { knowledgeChunks, knowledgeSettings } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

export type KnowledgeSettingsRow = typeof knowledgeSettings.$inferSelect;

export async function findKnowledgeSettings(db: Db, workspaceId: string) {
  const [row] = await db
    .select()
    .from(knowledgeSettings)
    .where(eq(knowledgeSettings.workspaceId, workspaceId));
  return row;
}

/** The workspace's own embedding model (null: the platform's); a new choice starts without an error. */
export async function saveEmbeddingChoice(db: Db, workspaceId: string, choice: TEmbeddingChoice | null) {
  const set = {
    embeddingProvider: choice?.provider ?? null,
    embeddingModel: choice?.model ?? null,
    embeddingError: null,
    updatedAt: new Date(),
  };
  await db
    .insert(knowledgeSettings)
    .values({ workspaceId, ...set })
    .onConflictDoUpdate({ target: knowledgeSettings.workspaceId, set });
}

/** Why embedding last failed, or null once it works again (written only when it changes). */
export async function recordEmbeddingError(db: Db, workspaceId: string, error: string | null) {
  const current = await findKnowledgeSettings(db, workspaceId);
  if ((current?.embeddingError ?? null) === error) return;
  await db
    .insert(knowledgeSettings)
    .values({ workspaceId, embeddingError: error })
    .onConflictDoUpdate({ target: knowledgeSettings.workspaceId, set: { embeddingError: error } });
}

export async function countChunks(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(knowledgeChunks)
    .where(eq(knowledgeChunks.workspaceId, workspaceId));
  return row?.n ?? 0;
}
