import { type SQL, sql } from "drizzle-orm";
import type { Database, Db } from "../../platform/db/client.ts";
import type { ChunkHit } from "./knowledge.repo.ts";

// Passage vectors in pgvector. The table is created here at runtime, not by a migration:
// migrations must run on PostgreSQL without pgvector, where semantic search is simply off.
// One table holds every model's vectors (`model`, `dims` per row; the column is an
// unconstrained `vector`), and each vector size gets its own partial HNSW index on a cast of
// the column, created the first time vectors of that size are stored. A search only ever
// compares vectors of one model and one size.

const VECTOR_SCHEMA_LOCK = 7_272_728;

/** HNSW indexes `vector` up to 2,000 dimensions and `halfvec` up to 4,000; beyond, search scans. */
function indexedType(dims: number): "vector" | "halfvec" | null {
  if (dims <= 2000) return "vector";
  if (dims <= 4000) return "halfvec";
  return null;
}
/** pgvector's largest vector. */
export const MAX_DIMENSIONS = 16_000;

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/**
 * Creates the embeddings table (idempotent; under an advisory lock so nodes starting together
 * do not race on the catalog). Returns whether pgvector can keep filtering while it walks the
 * HNSW graph (iterative scans, pgvector 0.8), which tenant filters need to fill a result page.
 */
export async function createVectorSchema(database: Database): Promise<{ iterativeScan: boolean }> {
  return database.exclusive(VECTOR_SCHEMA_LOCK, async (db) => {
    await db.execute(sql`
      create table if not exists knowledge_embeddings (
        chunk_id text primary key references knowledge_chunks(id) on delete cascade,
        workspace_id text not null,
        agent_id text not null,
        model text not null,
        dims integer not null,
        embedding vector not null,
        created_at timestamptz not null default now()
      )`);
    await db.execute(sql`
      create index if not exists knowledge_embeddings_scope_idx
      on knowledge_embeddings (workspace_id, agent_id, model)`);
    const [row] = rowsOf<{ v: string }>(
      await db.execute(sql`select extversion as v from pg_extension where extname = 'vector'`),
    );
    const [major = 0, minor = 0] = (row?.v ?? "0").split(".").map(Number);
    return { iterativeScan: major > 0 || minor >= 8 };
  });
}

/** The HNSW index for vectors of one size (cosine distance), made before the first is stored. */
export async function createDimensionIndex(database: Database, dims: number): Promise<void> {
  const type = indexedType(dims);
  if (!type) return;
  const n = sql.raw(String(Math.trunc(dims)));
  await database.exclusive(VECTOR_SCHEMA_LOCK, (db) =>
    db.execute(sql`
      create index if not exists ${sql.identifier(`knowledge_embeddings_hnsw_${dims}`)}
      on knowledge_embeddings using hnsw ((embedding::${sql.raw(type)}(${n})) ${sql.raw(`${type}_cosine_ops`)})
      where dims = ${n}`),
  );
}

const literal = (v: number[]) => JSON.stringify(v);

export type EmbeddingRow = { chunkId: string; workspaceId: string; agentId: string; vector: number[] };

/** Stores vectors of one model (replacing a chunk's earlier one). Chunks deleted meanwhile are skipped. */
export async function insertEmbeddings(db: Db, model: string, rows: EmbeddingRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    const values = rows
      .slice(i, i + 100)
      .map(
        (r) =>
          sql`(${r.chunkId}, ${r.workspaceId}, ${r.agentId}, ${model}, ${r.vector.length}::int, ${literal(r.vector)}::vector)`,
      );
    await db.execute(sql`
      insert into knowledge_embeddings (chunk_id, workspace_id, agent_id, model, dims, embedding)
      select v.* from (values ${sql.join(values, sql`, `)}) as v(chunk_id, workspace_id, agent_id, model, dims, embedding)
      where exists (select 1 from knowledge_chunks c where c.id = v.chunk_id)
      on conflict (chunk_id) do update
        set model = excluded.model, dims = excluded.dims, embedding = excluded.embedding, created_at = now()`);
  }
}

export type VectorHit = ChunkHit & { similarity: number };

/** The agent's passages nearest to a query vector, by cosine similarity (−1..1). */
export async function nearestChunks(
  db: Db,
  input: {
    workspaceId: string;
    agentId: string;
    model: string;
    vector: number[];
    limit: number;
    iterativeScan: boolean;
  },
): Promise<VectorHit[]> {
  const dims = input.vector.length;
  const n = sql.raw(String(dims));
  // The cast must be the index's expression for the planner to use it.
  const cast = (x: SQL) => sql`${x}::${sql.raw(indexedType(dims) ?? "vector")}(${n})`;
  const distance = sql`${cast(sql`embedding`)} <=> ${cast(sql`${literal(input.vector)}::vector`)}`;
  return db.transaction(async (tx) => {
    if (input.iterativeScan) {
      // Without it, HNSW returns its first ef_search (40) neighbours and the tenant filter may
      // leave none of them; relaxed order is re-sorted below.
      await tx.execute(sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
    }
    const rows = rowsOf<{
      chunk_id: string;
      source_id: string;
      source_name: string;
      content: string;
      heading_path: string[];
      location: string | null;
      distance: number;
    }>(
      await tx.execute(sql`
        with nearest as (
          select chunk_id, ${distance} as distance
          from knowledge_embeddings
          where dims = ${n} and workspace_id = ${input.workspaceId}
            and agent_id = ${input.agentId} and model = ${input.model}
          order by ${distance}
          limit ${input.limit}
        )
        select n.chunk_id, c.source_id, s.name as source_name, c.content, c.heading_path, c.location, n.distance
        from nearest n
        join knowledge_chunks c on c.id = n.chunk_id
        join knowledge_sources s on s.id = c.source_id
        order by n.distance, n.chunk_id`),
    );
    return rows.map((r) => ({
      chunkId: r.chunk_id,
      sourceId: r.source_id,
      sourceName: r.source_name,
      content: r.content,
      headingPath: r.heading_path,
      location: r.location,
      rank: 0,
      similarity: 1 - Number(r.distance),
    }));
  });
}

/** Whether any of the agent's passages has a vector of this model (else the query is not embedded). */
export async function hasEmbeddings(db: Db, workspaceId: string, agentId: string, model: string) {
  const rows = rowsOf(
    await db.execute(sql`
      select 1 from knowledge_embeddings
      where workspace_id = ${workspaceId} and agent_id = ${agentId} and model = ${model} limit 1`),
  );
  return rows.length > 0;
}

/** The next passages of a workspace without a vector of `model`, with the text to embed. */
export async function chunksWithoutEmbedding(db: Db, workspaceId: string, model: string, limit: number) {
  return rowsOf<{ id: string; agent_id: string; heading_path: string[]; content: string }>(
    await db.execute(sql`
      select c.id, c.agent_id, c.heading_path, c.content
      from knowledge_chunks c
      left join knowledge_embeddings e on e.chunk_id = c.id and e.model = ${model}
      where c.workspace_id = ${workspaceId} and e.chunk_id is null
      order by c.id
      limit ${limit}`),
  ).map((r) => ({ id: r.id, agentId: r.agent_id, headingPath: r.heading_path, content: r.content }));
}

/** Drops a workspace's vectors of every model but `keep` (all of them when null). */
export async function deleteOtherEmbeddings(db: Db, workspaceId: string, keep: string | null): Promise<void> {
  await db.execute(sql`
    delete from knowledge_embeddings
    where workspace_id = ${workspaceId} ${keep === null ? sql`` : sql`and model <> ${keep}`}`);
}

/** How many of a workspace's passages have a vector of `model`, and its size. */
export async function embeddingCoverage(db: Db, workspaceId: string, model: string) {
  const [row] = rowsOf<{ embedded: number; dims: number | null }>(
    await db.execute(sql`
      select count(*)::int as embedded, max(dims) as dims from knowledge_embeddings
      where workspace_id = ${workspaceId} and model = ${model}`),
  );
  return { embedded: Number(row?.embedded ?? 0), dims: row?.dims == null ? null : Number(row.dims) };
}

/**
 * Workspaces whose vectors do not match their model: passages without a vector of it, or
 * vectors of another. `platformModel` is the model of workspaces that chose none.
 */
export async function workspacesToReembed(db: Db, platformModel: string | null): Promise<string[]> {
  const effective = (ws: SQL) => sql`coalesce(
    (select s.embedding_provider || ':' || s.embedding_model from knowledge_settings s where s.workspace_id = ${ws}),
    ${platformModel}::text)`;
  return rowsOf<{ workspace_id: string }>(
    await db.execute(sql`
      select distinct c.workspace_id from knowledge_chunks c
      where ${effective(sql`c.workspace_id`)} is not null and not exists (
        select 1 from knowledge_embeddings e where e.chunk_id = c.id and e.model = ${effective(sql`c.workspace_id`)})
      union
      select distinct e.workspace_id from knowledge_embeddings e
      where e.model is distinct from ${effective(sql`e.workspace_id`)}`),
  ).map((r) => r.workspace_id);
}
