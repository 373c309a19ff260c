import type { AgentRow } from "../agents/agents.repo.ts";
import { type SearchDeps, searchKnowledge } from "../knowledge/search-knowledge.ts";
import type { Passage } from "./builtin-responder.ts";
import { rankPassages, type ScoredPassage } from "./text-match.ts";

export type RetrievedPassage = ScoredPassage<Passage>;

/**
 * Where a turn gets the passages it answers from. The engine only knows this interface; the
 * default searches the agent's quick answers and its knowledge base.
 */
export type Retriever = {
  retrieve(input: {
    workspaceId: string;
    agent: AgentRow;
    query: string;
    limit: number;
    /** False when the agent has no indexed knowledge (saves a search); unknown → search. */
    hasKnowledge?: boolean | undefined;
  }): Promise<RetrievedPassage[]>;
};

export function quickAnswerPassages(agent: AgentRow): Passage[] {
  return agent.quickAnswers.map((qa, i) => ({
    id: `${agent.id}:qa:${i}`,
    sourceId: `${agent.id}:quick-answers`,
    title: qa.question,
    question: qa.question,
    text: qa.answer,
    url: null,
  }));
}

const isWebAddress = (location: string | null) => location !== null && /^https?:\/\//.test(location);

/** "price-list.pdf › Beans (page 2)"; a web page's address is the citation's link instead. */
function citationTitle(h: { sourceName: string; heading: string | null; location: string | null }): string {
  // "Delivery › Delivery" says nothing more than "Delivery".
  const base = h.heading && h.heading !== h.sourceName ? `${h.sourceName} › ${h.heading}` : h.sourceName;
  return h.location && !isWebAddress(h.location) ? `${base} (${h.location})` : base;
}

/** Quick answers and the agent's indexed knowledge, merged by score. */
export function createKnowledgeRetriever(search: SearchDeps): Retriever {
  return {
    async retrieve({ workspaceId, agent, query, limit, hasKnowledge }) {
      const quick = rankPassages(query, quickAnswerPassages(agent), limit);
      if (hasKnowledge === false) return quick;
      const hits = await searchKnowledge(search, { workspaceId, agentId: agent.id, query, limit });
      const found: RetrievedPassage[] = hits.map((h) => ({
        passage: {
          id: h.chunkId,
          sourceId: h.sourceId,
          // "Delivery › Delivery" says nothing more than "Delivery".
          title: citationTitle(h),
          text: h.content,
          url: isWebAddress(h.location) ? h.location : null,
        },
        score: h.score,
        matched: [],
      }));
      return [...quick, ...found].sort((a, b) => b.score - a.score).slice(0, limit);
    },
  };
}
