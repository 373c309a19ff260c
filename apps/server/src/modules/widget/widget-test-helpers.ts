// Helpers for the widget tests: a live built-in agent and a visitor talking to it through the
// public API exactly as the embedded widget does (Origin header, bearer visitor token).
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { call, createWorkspace, type SignedUp, signUp } from "../../../test/harness.ts";

export type WidgetOwner = SignedUp & { wsId: string; agentId: string; publicKey: string };

export const HOST = "https://shop.example";

export async function ownerWithLiveAgent(
  app: FastifyInstance,
  body: Record<string, unknown> = {},
): Promise<WidgetOwner> {
  const u = await signUp(app);
  const ws = await createWorkspace(app, u.bearer);
  const res = await call(app, u.bearer, "POST", `/api/v1/workspaces/${ws.id}/agents`, {
    name: "Mia",
    provider: "builtin",
    status: "live",
    welcomeMessage: "Hi! Ask me anything about our coffee.",
    suggestedQuestions: ["What are your opening hours?"],
    quickAnswers: [
      {
        question: "What are your opening hours?",
        answer: "We are open from 7am to 6pm, Monday to Saturday.",
      },
    ],
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return { ...u, wsId: ws.id, agentId: res.json().id, publicKey: res.json().publicKey };
}

export type VisitorCall = (
  method: "GET" | "POST",
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<LightMyRequestResponse>;

/** Calls from a host page: its Origin, an IP of its own (TRUST_PROXY), a token once it has one. */
export function fromPage(app: FastifyInstance, opts: { origin?: string; ip?: string; token?: string } = {}) {
  const base: Record<string, string> = {};
  if (opts.origin !== "") base.origin = opts.origin ?? HOST;
  if (opts.ip) base["x-forwarded-for"] = opts.ip;
  if (opts.token) base.authorization = `Bearer ${opts.token}`;
  const send: VisitorCall = (method, url, body, headers = {}) =>
    call(app, { headers: base }, method, url, body, headers);
  return send;
}

export async function startVisitor(
  app: FastifyInstance,
  publicKey: string,
  opts: { origin?: string; ip?: string; body?: Record<string, unknown> } = {},
) {
  const res = await fromPage(app, opts)("POST", `/api/v1/widget/${publicKey}/conversations`, opts.body ?? {});
  expect(res.statusCode, res.body).toBe(201);
  const session = res.json() as { conversationId: string; visitorToken: string; expiresAt: string };
  return {
    ...session,
    send: fromPage(app, { ...opts, token: session.visitorToken }),
    url: (rest = "") => `/api/v1/widget/conversations/${session.conversationId}${rest}`,
  };
}

export function parseSse(body: string): { event: string; data: unknown }[] {
  const out: { event: string; data: unknown }[] = [];
  for (const frame of body.split("\n\n")) {
    if (!frame.trim() || frame.startsWith(":")) continue;
    let event = "message";
    const data: string[] = [];
    for (const line of frame.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    out.push({ event, data: JSON.parse(data.join("\n")) });
  }
  return out;
}

let ipCounter = 1;
/** A fresh client IP per test, so the per-IP limits of one test do not reach another. */
export const nextIp = () => `203.0.113.${ipCounter++}`;
