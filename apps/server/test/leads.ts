// Helpers for lead and contact tests. Leads are made the way production makes them: a visitor
// writes in the agent's test chat and the (fake, real-HTTP) OpenAI model calls capture_lead; for
// many leads at once, the same captureLead the tool runs, in conversations stored by the
// conversations repository, skips the model round trips.
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import { findAgent } from "../src/modules/agents/agents.repo.ts";
import { captureLead, type LeadInput } from "../src/modules/conversations/agent-tools.ts";
import { insertConversation } from "../src/modules/conversations/conversations.repo.ts";
import { newId } from "../src/platform/ids.ts";
import type { FakeLlmServer } from "./fake-llm.ts";
import { type Caller, call, createWorkspace, type SignedUp, signUp } from "./harness.ts";

export type LeadOwner = SignedUp & { wsId: string; agentId: string };

/** Env for an app whose agents talk to the fake OpenAI server. */
export const fakeOpenAiEnv = (openai: FakeLlmServer) => ({
  AUTH_RATE_LIMIT_MAX: "10000",
  RATE_LIMIT_MAX: "10000",
  OPENAI_API_KEY: openai.apiKey,
  OPENAI_BASE_URL: openai.url,
  LLM_BREAKER_THRESHOLD: "1000",
  ALLOW_PRIVATE_URLS: "127.0.0.1",
});

/** A workspace owner with one agent on the fake OpenAI server. */
export async function ownerWithAgent(
  app: FastifyInstance,
  workspaceName = "Acme Coffee",
): Promise<LeadOwner> {
  const u = await signUp(app);
  const ws = await createWorkspace(app, u.bearer, workspaceName);
  const res = await call(app, u.bearer, "POST", `/api/v1/workspaces/${ws.id}/agents`, {
    name: "Mia",
    provider: "openai",
    model: "gpt-4o-mini",
  });
  expect(res.statusCode, res.body).toBe(201);
  return { ...u, wsId: ws.id, agentId: res.json().id };
}

/**
 * The visitor gives their details in the test chat; the model calls capture_lead, then answers.
 * Returns the conversation and the lead the tool saved.
 */
export async function captureViaChat(
  app: FastifyInstance,
  openai: FakeLlmServer,
  o: LeadOwner,
  details: LeadInput,
  who: Caller = o.bearer,
): Promise<{ conversationId: string; leadId: string }> {
  openai.enqueue(
    { kind: "tools", calls: [{ name: "capture_lead", args: details }] },
    { kind: "text", text: "Thanks, the team will be in touch." },
  );
  const res = await call(app, who, "POST", `/api/v1/workspaces/${o.wsId}/agents/${o.agentId}/chat`, {
    message: `My details: ${JSON.stringify(details)}`,
  });
  expect(res.statusCode, res.body).toBe(200);
  // The tool's result went back to the model in its second request.
  const toolResult = openai.requests.at(-1)!.messages.find((m) => m.role === "tool")?.content ?? "";
  const leadId = /led_[0-9a-z]{20}/.exec(toolResult)?.[0];
  expect(leadId, toolResult).toBeDefined();
  return { conversationId: res.json().conversationId, leadId: leadId! };
}

/** What the capture_lead tool does, in a new conversation, without the model round trips. */
export async function captureDirect(
  app: FastifyInstance,
  o: { wsId: string; agentId: string },
  details: LeadInput,
): Promise<{ conversationId: string; leadId: string }> {
  const agent = await findAgent(app.ctx.db, o.wsId, o.agentId);
  if (!agent) throw new Error("no such agent");
  const conversation = await insertConversation(app.ctx.db, {
    id: newId("cnv"),
    workspaceId: o.wsId,
    agentId: agent.id,
    channel: "api",
  });
  const out = await captureLead(
    app.ctx.engine,
    { workspaceId: o.wsId, conversationId: conversation.id, agent },
    details,
  );
  return { conversationId: conversation.id, leadId: out.leadId };
}

export const leadsUrl = (wsId: string, rest = "") => `/api/v1/workspaces/${wsId}/leads${rest}`;
export const contactsUrl = (wsId: string, rest = "") => `/api/v1/workspaces/${wsId}/contacts${rest}`;
