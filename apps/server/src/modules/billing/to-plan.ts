import type { TPlan } from "@minichat/contracts";
import type { PlanRow } from "./plans.repo.ts";

export function toPlan(p: PlanRow): TPlan {
  return {
    id: p.id,
    name: p.name,
    position: p.position,
    limits: {
      aiReplies: p.aiReplies,
      agents: p.maxAgents,
      sites: p.maxSites,
      members: p.maxMembers,
      knowledgeBytes: p.maxKnowledgeBytes,
    },
    prices: p.prices,
    public: p.public,
  };
}
