import { and, desc, eq, sql } from "drizzle-orm";
import { knowledgeChunks, knowledgeFiles, knowledgeSources } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import { insertEmbeddings } from "./vector-store.ts";

export type SourceRow = typeof knowledgeSources.$inferSelect;

/** Inserts a source and, for an upload, its file in the same transaction. */
export async function insertSource(
  db: Db,
  row: typeof knowledgeSources.$inferInsert,
  file?: { filename: string; kind: string; content: Buffer },
): Promise<SourceRow> {
  return db.transaction(async (tx) => {
    const [created] = await tx.insert(knowledgeSources).values(row).returning();
    if (file) {
      await tx.insert(knowledgeFiles).values({
        sourceId: created!.id,
        workspaceId: created!.workspaceId,
        filename: file.filename,
        kind: file.kind,
        sizeBytes: file.content.length,
        content: file.content,
      });
    }
    return created!;
  });
}

export async function findFile(db: Db, workspaceId: string, sourceId: string) {
  const [row] = await db
    .select()
    .from(knowledgeFiles)
    .where(and(eq(knowledgeFiles.workspaceId, workspaceId), eq(knowledgeFiles.sourceId, sourceId)));
  return row;
}

export function findSources(db: Db, workspaceId: string, agentId: string): Promise<SourceRow[]> {
  return db
    .select()
    .from(knowledgeSources)
    .where(and(eq(knowledgeSources.workspaceId, workspaceId), eq(knowledgeSources.agentId, agentId)))
    .orderBy(desc(knowledgeSources.createdAt), desc(knowledgeSources.id));
}

export async function findSource(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
): Promise<SourceRow | undefined> {
  const [row] = await db
    .select()
    .from(knowledgeSources)
    .where(
      and(
        eq(knowledgeSources.workspaceId, workspaceId),
        eq(knowledgeSources.agentId, agentId),
        eq(knowledgeSources.id, id),
      ),
    );
  return row;
}

export async function findSourceByChecksum(db: Db, workspaceId: string, agentId: string, checksum: string) {
  const [row] = await db
    .select({ id: knowledgeSources.id })
    .from(knowledgeSources)
    .where(
      and(
        eq(knowledgeSources.workspaceId, workspaceId),
        eq(knowledgeSources.agentId, agentId),
        eq(knowledgeSources.checksum, checksum),
      ),
    );
  return row;
}

export async function deleteSourceRow(db: Db, workspaceId: string, agentId: string, id: string) {
  const rows = await db
    .delete(knowledgeSources)
    .where(
      and(
        eq(knowledgeSources.workspaceId, workspaceId),
        eq(knowledgeSources.agentId, agentId),
        eq(knowledgeSources.id, id),
      ),
    )
    .returning({ id: knowledgeSources.id });
  return rows.length > 0;
}

export async function setSourceStatus(
  db: Db,
  workspaceId: string,
  id: string,
  set: { status: string; error?: string | null },
): Promise<void> {
  await db
    .update(knowledgeSources)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(knowledgeSources.workspaceId, workspaceId), eq(knowledgeSources.id, id)));
}

export type NewChunk = {
  id: string;
  position: number;
  headingPath: string[];
  location: string | null;
  content: string;
  ftsConfig: string;
  /** The text to index (Thai segmented), which may differ from the stored content. */
  document: string;
  tokens: number;
};

/**
 * Swaps a source's chunks (and their vectors, if any) for new ones and marks it ready, in one
 * transaction: searches see either the old chunks or the new, never a mix, and a failed
 * re-sync keeps the old ones.
 */
export async function replaceChunks(
  db: Db,
  source: { workspaceId: string; agentId: string; id: string },
  chunks: NewChunk[],
  /** The source's size when it is only known after reading it (websites). */
  sizeBytes?: number,
  /** One vector per chunk, in order, computed with `model`. */
  embeddings?: { model: string; vectors: number[][] },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .delete(knowledgeChunks)
      .where(
        and(eq(knowledgeChunks.workspaceId, source.workspaceId), eq(knowledgeChunks.sourceId, source.id)),
      );
    for (let i = 0; i < chunks.length; i += 200) {
      await tx.insert(knowledgeChunks).values(
        chunks.slice(i, i + 200).map((c) => ({
          id: c.id,
          workspaceId: source.workspaceId,
          agentId: source.agentId,
          sourceId: source.id,
          position: c.position,
          headingPath: c.headingPath,
          location: c.location,
          content: c.content,
          ftsConfig: c.ftsConfig,
          tsv: sql`to_tsvector(${c.ftsConfig}::regconfig, ${c.document})`,
          tokens: c.tokens,
        })),
      );
    }
    if (embeddings) {
      await insertEmbeddings(
        tx,
        embeddings.model,
        chunks.map((c, i) => ({
          chunkId: c.id,
          workspaceId: source.workspaceId,
          agentId: source.agentId,
          vector: embeddings.vectors[i]!,
        })),
      );
    }
    await tx
      .update(knowledgeSources)
      .set({
        status: "ready",
        error: null,
        chunkCount: chunks.length,
        ...(sizeBytes === undefined ? {} : { sizeBytes }),
        readyAt: new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(knowledgeSources.workspaceId, source.workspaceId), eq(knowledgeSources.id, source.id)));
  });
}

export type ChunkHit = {
  chunkId: string;
  sourceId: string;
  sourceName: string;
  content: string;
  headingPath: string[];
  location: string | null;
  rank: number;
};

/**
 * Full-text candidates for a query: the query is matched in every configuration a chunk may
 * have been indexed with (English and Russian stemming, and `simple` for Thai and the rest), so
 * a question finds passages whatever their language.
 */
export async function searchChunks(
  db: Db,
  input: { workspaceId: string; agentId: string; query: string; simpleQuery: string; limit: number },
): Promise<ChunkHit[]> {
  const q = sql`(websearch_to_tsquery('english', ${input.query}) || websearch_to_tsquery('russian', ${input.query}) || websearch_to_tsquery('simple', ${input.simpleQuery}))`;
  const rows = await db
    .select({
      chunkId: knowledgeChunks.id,
      sourceId: knowledgeChunks.sourceId,
      sourceName: knowledgeSources.name,
      content: knowledgeChunks.content,
      headingPath: knowledgeChunks.headingPath,
      location: knowledgeChunks.location,
      rank: sql<number>`ts_rank_cd(${knowledgeChunks.tsv}, ${q})`,
    })
    .from(knowledgeChunks)
    .innerJoin(knowledgeSources, eq(knowledgeSources.id, knowledgeChunks.sourceId))
    .where(
      and(
        eq(knowledgeChunks.workspaceId, input.workspaceId),
        eq(knowledgeChunks.agentId, input.agentId),
        sql`${knowledgeChunks.tsv} @@ ${q}`,
      ),
    )
    .orderBy(sql`ts_rank_cd(${knowledgeChunks.tsv}, ${q}) desc`)
    .limit(input.limit);
  return rows.map((r) => ({ ...r, rank: Number(r.rank) }));
}
