// Helpers for knowledge tests: a workspace owner with one built-in agent, its sources URL, and
// a search through the API exactly as a client would make it.
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import { call, createWorkspace, type SignedUp, signUp } from "./harness.ts";

export type AgentOwner = SignedUp & { wsId: string; agentId: string };

export async function ownerWithAgent(app: FastifyInstance): Promise<AgentOwner> {
  const u = await signUp(app);
  const ws = await createWorkspace(app, u.bearer);
  const res = await call(app, u.bearer, "POST", `/api/v1/workspaces/${ws.id}/agents`, {
    name: "Mia",
    provider: "builtin",
  });
  expect(res.statusCode, res.body).toBe(201);
  return { ...u, wsId: ws.id, agentId: res.json().id };
}

export const sourcesUrl = (o: AgentOwner, rest = "") =>
  `/api/v1/workspaces/${o.wsId}/agents/${o.agentId}/sources${rest}`;

export type SearchHit = {
  sourceId: string;
  sourceName: string;
  chunkId: string;
  content: string;
  heading: string | null;
  location: string | null;
  score: number;
};

/** POST …/knowledge/search; fails the test unless it answers 200. */
export async function searchKnowledgeApi(
  app: FastifyInstance,
  o: AgentOwner,
  query: string,
): Promise<SearchHit[]> {
  const res = await call(
    app,
    o.bearer,
    "POST",
    `/api/v1/workspaces/${o.wsId}/agents/${o.agentId}/knowledge/search`,
    {
      query,
    },
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json().results;
}
