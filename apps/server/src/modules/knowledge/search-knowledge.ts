import type { Db } from "../../platform/db/client.ts";
import { rankPassages } from "../conversations/text-match.ts";
import { ftsQuery } from "./fts-text.ts";
import { searchChunks } from "./knowledge.repo.ts";

export type KnowledgeHit = {
  sourceId: string;
  sourceName: string;
  chunkId: string;
  content: string;
  heading: string | null;
  location: string | null;
  /** 0..1: the share of the query's terms the passage matched (see text-match.ts). */
  score: number;
};

/** How many full-text candidates are re-ranked for each result asked for. */
const CANDIDATES_PER_RESULT = 4;

/**
 * Lexical search over an agent's knowledge: PostgreSQL full-text search finds candidates
 * (stemmed in English and Russian, segmented for Thai), then they are scored by the share of
 * query terms they match — the same 0..1 scale the built-in responder's threshold expects.
 */
export async function searchKnowledge(
  db: Db,
  input: { workspaceId: string; agentId: string; query: string; limit: number },
): Promise<KnowledgeHit[]> {
  const q = ftsQuery(input.query);
  if (!q) return [];
  const hits = await searchChunks(db, {
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    query: q,
    simpleQuery: q,
    limit: input.limit * CANDIDATES_PER_RESULT,
  });
  const passages = hits.map((h) => ({ ...h, text: h.content, question: h.headingPath.at(-1) }));
  const ranked = rankPassages(input.query, passages, input.limit * CANDIDATES_PER_RESULT);
  // Full-text matched them all; text-match may miss a stem PostgreSQL caught, so unranked hits
  // keep a small score rather than disappearing.
  const scored = new Map(ranked.map((r) => [r.passage.chunkId, r.score]));
  return hits
    .map((h) => ({
      sourceId: h.sourceId,
      sourceName: h.sourceName,
      chunkId: h.chunkId,
      content: h.content,
      heading: h.headingPath.length ? h.headingPath.join(" › ") : null,
      location: h.location,
      score: Math.round((scored.get(h.chunkId) ?? 0.1) * 1000) / 1000,
      rank: h.rank,
    }))
    .sort((a, b) => b.score - a.score || b.rank - a.rank)
    .slice(0, input.limit)
    .map(({ rank: _, ...hit }) => hit);
}
