import type { AgentRow } from "../agents/agents.repo.ts";
import type { Passage } from "./builtin-responder.ts";
import { rankPassages, type ScoredPassage } from "./text-match.ts";

export type RetrievedPassage = ScoredPassage<Passage>;

/**
 * Where a turn gets the passages it answers from. The engine only knows this interface: today
 * it searches the agent's quick answers; the knowledge base plugs its index in behind it.
 */
export type Retriever = {
  retrieve(input: {
    workspaceId: string;
    agent: AgentRow;
    query: string;
    limit: number;
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

export function createQuickAnswerRetriever(): Retriever {
  return {
    async retrieve({ agent, query, limit }) {
      return rankPassages(query, quickAnswerPassages(agent), limit);
    },
  };
}
