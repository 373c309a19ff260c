import type { Db } from "../../platform/db/client.ts";
import { describeFailure } from "../conversations/call-model.ts";
import { rankPassages } from "../conversations/text-match.ts";
import { ftsQuery } from "./fts-text.ts";
import { fuseRankings } from "./fuse-rankings.ts";
import { type ChunkHit, searchChunks } from "./knowledge.repo.ts";
import type { KnowledgeVectors } from "./knowledge-vectors.ts";
import { hasEmbeddings, nearestChunks } from "./vector-store.ts";

export type KnowledgeHit = {
  sourceId: string;
  sourceName: string;
  chunkId: string;
  content: string;
  heading: string | null;
  location: string | null;
  /**
   * 0..1, the scale the built-in responder's threshold and knowledge gaps use: the share of the
   * query's terms the passage matched (text-match.ts) or, found by meaning, its cosine
   * similarity to the query mapped by `semanticScore` — whichever is higher.
   */
  score: number;
};

/**
 * Re-orders fused candidates, best first, and may drop some or give new 0..1 scores (a
 * cross-encoder, say). It sees every candidate; the first `limit` it returns are the results.
 */
export type Reranker = (query: string, candidates: KnowledgeHit[]) => Promise<KnowledgeHit[]>;

export type SearchDeps = {
  db: Db;
  /** Semantic search; without it (or with pgvector missing) search is lexical only. */
  vectors?: KnowledgeVectors | undefined;
  rerank?: Reranker | undefined;
};

/** How many candidates each ranking contributes per result asked for. */
const CANDIDATES_PER_RESULT = 4;

/**
 * Cosine similarity below the floor is unrelated text (the passage is not a candidate at all);
 * from the ceiling on it is as good a match as a passage holding every query term. Linear in
 * between, so similarity 0.5 meets the built-in responder's 0.5 bar. Calibrated on current
 * models (OpenAI text-embedding-3, nomic-embed-text, bge); see docs/decisions/015.
 */
const SIMILARITY_FLOOR = 0.2;
const SIMILARITY_CEILING = 0.8;
export function semanticScore(similarity: number): number {
  const s = (similarity - SIMILARITY_FLOOR) / (SIMILARITY_CEILING - SIMILARITY_FLOOR);
  return Math.round(Math.min(1, Math.max(0, s)) * 1000) / 1000;
}

const toHit = (h: ChunkHit, score: number): KnowledgeHit => ({
  sourceId: h.sourceId,
  sourceName: h.sourceName,
  chunkId: h.chunkId,
  content: h.content,
  heading: h.headingPath.length ? h.headingPath.join(" › ") : null,
  location: h.location,
  score,
});

/**
 * Search over an agent's knowledge, the one used by the search API and by the agent itself.
 * Lexical candidates (PostgreSQL full-text search, scored by term coverage) and, when the
 * workspace has an embedding model, vector candidates (nearest by cosine) are fused with
 * reciprocal rank fusion; the reranker, if any, then orders them. The best `limit` are returned
 * by score, the order in which the agent weighs them.
 */
export async function searchKnowledge(
  deps: SearchDeps,
  input: { workspaceId: string; agentId: string; query: string; limit: number },
): Promise<KnowledgeHit[]> {
  const pool = input.limit * CANDIDATES_PER_RESULT;
  const [lexical, semantic] = await Promise.all([
    lexicalCandidates(deps.db, input, pool),
    semanticCandidates(deps, input, pool),
  ]);
  const byId = new Map(lexical.map((h) => [h.chunkId, h]));
  for (const h of semantic) {
    const seen = byId.get(h.chunkId);
    byId.set(h.chunkId, seen ? { ...seen, score: Math.max(seen.score, h.score) } : h);
  }
  const fused = fuseRankings([lexical.map((h) => h.chunkId), semantic.map((h) => h.chunkId)]).map(
    (id) => byId.get(id)!,
  );
  const ordered = deps.rerank ? await deps.rerank(input.query, fused) : fused;
  return ordered
    .slice(0, input.limit)
    .map((h) => ({ ...h, score: Math.min(1, Math.max(0, h.score)) }))
    .sort((a, b) => b.score - a.score);
}

/**
 * Full-text candidates (stemmed in English and Russian, segmented for Thai), scored by the
 * share of query terms they match, best first.
 */
async function lexicalCandidates(
  db: Db,
  input: { workspaceId: string; agentId: string; query: string },
  pool: number,
): Promise<KnowledgeHit[]> {
  const q = ftsQuery(input.query);
  if (!q) return [];
  const hits = await searchChunks(db, {
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    words: q.split(" OR "),
    limit: pool,
  });
  const passages = hits.map((h) => ({ ...h, text: h.content, question: h.headingPath.at(-1) }));
  const ranked = rankPassages(input.query, passages, pool);
  // Full-text matched them all; text-match may miss a stem PostgreSQL caught, so unranked hits
  // keep a small score rather than disappearing.
  const scored = new Map(ranked.map((r) => [r.passage.chunkId, r.score]));
  return hits
    .map((h) => ({ hit: toHit(h, Math.round((scored.get(h.chunkId) ?? 0.1) * 1000) / 1000), rank: h.rank }))
    .sort((a, b) => b.hit.score - a.hit.score || b.rank - a.rank)
    .map(({ hit }) => hit);
}

/**
 * The passages nearest to the query's vector, with the workspace's current model only (so
 * never vectors of another model or size). Nothing when there is no model, the agent has no
 * vectors of it yet, or the query cannot be embedded: a provider outage costs meaning, never
 * the lexical results.
 */
async function semanticCandidates(
  deps: SearchDeps,
  input: { workspaceId: string; agentId: string; query: string },
  pool: number,
): Promise<KnowledgeHit[]> {
  const vectors = deps.vectors;
  if (!vectors?.enabled) return [];
  const embedder = await vectors.embedderFor(input.workspaceId);
  if (!embedder) return [];
  const { iterativeScan } = await vectors.ready();
  if (!(await hasEmbeddings(deps.db, input.workspaceId, input.agentId, embedder.key))) return [];
  let query: number[];
  try {
    query = await embedder.embedQuery(input.query);
  } catch (err) {
    vectors.logger.warn(
      { failure: describeFailure(err), workspaceId: input.workspaceId, model: embedder.key },
      "the query could not be embedded; searching lexically only",
    );
    return [];
  }
  const hits = await nearestChunks(deps.db, {
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    model: embedder.key,
    vector: query,
    limit: pool,
    iterativeScan,
  });
  return hits.map((h) => toHit(h, semanticScore(h.similarity))).filter((h) => h.score > 0);
}
