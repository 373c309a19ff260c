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
  /** Higher is a better candidate (lexical: words matched, then density; see searchChunks). */
  rank: number;
};

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/** Above this many AND-clauses a tier of searchChunks is not queried on its own (merged into the next). */
const MAX_TIER_CLAUSES = 70;

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Every k-element subset of 0..n-1, in order. */
function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const walk = (start: number, acc: number[]) => {
    if (acc.length === k) out.push(acc);
    else for (let i = start; i <= n - (k - acc.length); i++) walk(i + 1, [...acc, i]);
  };
  walk(0, []);
  return out;
}

/**
 * Full-text candidates for a query's words (websearch_to_tsquery syntax each), best first. Each
 * word is matched in every configuration a chunk may have been indexed with (English and Russian
 * stemming, and `simple` for Thai and the rest), so a question finds passages whatever their
 * language. Chunks matching more of the words come first; among chunks matching as many, the
 * denser match (ts_rank_cd: more occurrences of the words, closer together).
 *
 * Ranking every chunk that matches some word is what made search slow: a question of everyday
 * words matches thousands of a large agent's chunks. So the candidates are found tier by tier
 * through the GIN index — chunks matching all n words, then at least n−1, … — and only the tiers
 * needed to fill `limit` are ranked (the last one only in part). The lowest tier, chunks matching
 * one word, is ordered by ts_rank, which orders such chunks as ts_rank_cd does (both grow with the
 * word's occurrences) at a tenth of the cost.
 */
export async function searchChunks(
  db: Db,
  input: { workspaceId: string; agentId: string; words: string[]; limit: number },
): Promise<ChunkHit[]> {
  if (input.words.length === 0) return [];
  // Each word's lexemes in the three configurations, as tsquery text: "delivery" → 'deliveri' | 'delivery'.
  const [terms] = rowsOf<{ terms: string[] }>(
    await db.execute(sql`
      select coalesce(array_agg(q order by i) filter (where q <> ''), '{}') as terms
      from (
        select i, (websearch_to_tsquery('english', w) || websearch_to_tsquery('russian', w)
                   || websearch_to_tsquery('simple', w))::text as q
        from unnest(array[${sql.join(
          input.words.map((w) => sql`${w}`),
          sql`, `,
        )}]::text[]) with ordinality as u(w, i)
      ) words`),
  );
  // The three configurations often agree ('thai' | 'thai' | 'thai'): each lexeme once keeps tiers small.
  const alternatives = (t: string) => `(${t.includes("(") ? t : [...new Set(t.split(" | "))].join(" | ")})`;
  const words = [...new Set(terms!.terms.map(alternatives))];
  const n = words.length;
  if (n === 0) return [];
  const anyWord = words.join(" | ");
  const matched = sql.join(
    words.map((w) => sql`(c.tsv @@ ${w}::tsquery)::int`),
    sql` + `,
  );

  const hits: ChunkHit[] = [];
  let above: string | null = null; // the tier queried before: its chunks are already in `hits`
  let aboveLevel = n + 1;
  for (let k = n; k >= 1 && hits.length < input.limit; k--) {
    if (k > 1 && binomial(n, k) > MAX_TIER_CLAUSES) continue;
    // At least k of the n words: an OR of ANDs, which the GIN index answers without the heap.
    const tier =
      k === 1
        ? anyWord
        : subsets(n, k)
            .map((s) => `(${s.map((i) => words[i]).join(" & ")})`)
            .join(" | ");
    // Exactly one word matched (the tier above was "at least two"): ts_rank orders these as ts_rank_cd would.
    const oneWord = k === 1 && aboveLevel === 2;
    const rows = rowsOf<{
      id: string;
      source_id: string;
      source_name: string;
      content: string;
      heading_path: string[];
      location: string | null;
      rank: number;
    }>(
      await db.execute(sql`
        with best as (
          select c.id,
            ${oneWord ? sql`1` : matched} as words,
            ${oneWord ? sql`ts_rank` : sql`ts_rank_cd`}(c.tsv, ${anyWord}::tsquery) as density
          from knowledge_chunks c
          where c.workspace_id = ${input.workspaceId} and c.agent_id = ${input.agentId}
            and c.tsv @@ ${tier}::tsquery
            ${above === null ? sql`` : sql`and not c.tsv @@ ${above}::tsquery`}
          order by words desc, density desc
          limit ${input.limit - hits.length}
        )
        -- One number that orders as (words, density): the density squeezed into [0, 1).
        select c.id, c.source_id, s.name as source_name, c.content, c.heading_path, c.location,
          b.words + b.density / (1 + b.density) as rank
        from best b
        join knowledge_chunks c on c.id = b.id
        join knowledge_sources s on s.id = c.source_id
        order by b.words desc, b.density desc`),
    );
    for (const r of rows) {
      hits.push({
        chunkId: r.id,
        sourceId: r.source_id,
        sourceName: r.source_name,
        content: r.content,
        headingPath: r.heading_path,
        location: r.location,
        rank: Number(r.rank),
      });
    }
    above = tier;
    aboveLevel = k;
  }
  return hits;
}
