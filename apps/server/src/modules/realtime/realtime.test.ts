import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  call,
  createTestApp,
  createTestDatabase,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { ownerWithAgent } from "../../../test/knowledge.ts";
import type { Database } from "../../platform/db/client.ts";
import { routeHandoff } from "../inbox/route-handoff.ts";
import { hashVisitorToken } from "../widget/visitor-token.ts";

// Two app nodes behind any load balancer share one database and one Redis: a socket on one node
// hears what happens on the other. Redis runs on every machine this project tests on; this test
// uses it even in embedded mode, because the Redis adapter is what it is about.

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

let database: Database;
let a: TestApp;
let b: TestApp;
const urlOf = (t: TestApp) => `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

beforeAll(async () => {
  database = await createTestDatabase();
  // A prefix of its own, so other test files' sockets never hear this one's events.
  const env = {
    REDIS_URL,
    REDIS_KEY_PREFIX: `rt${Date.now().toString(36)}:`,
    RATE_LIMIT_MAX: "10000",
    AUTH_RATE_LIMIT_MAX: "10000",
  };
  a = await createTestApp({ database, env });
  b = await createTestApp({ database, env });
  await a.app.listen({ port: 0, host: "127.0.0.1" });
  await b.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.close();
});

function socket(url: string, ns: string, token: string, origin?: string): Promise<Socket> {
  const s = connect(`${url}${ns}`, {
    auth: { token },
    transports: ["websocket"],
    forceNew: true,
    ...(origin ? { extraHeaders: { origin } } : {}),
  });
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

describe("realtime across two nodes", () => {
  it("carries events, operator replies and presence from one node to sockets on the other", async () => {
    const o = await ownerWithAgent(a.app);
    const op = await signUp(a.app, { name: "Nok" });
    await addMember(a.app, o.bearer, o.wsId, op, "operator");

    // The operator's dashboard is connected to node B.
    const inbox = await socket(urlOf(b), "/inbox", op.token);
    expect(await new Promise((r) => inbox.emit("join", { workspaceId: o.wsId }, r))).toEqual({ ok: true });
    const seen = new Promise<{ conversationId: string }>((resolve) =>
      inbox.on("message.created", (e) => e.role === "visitor" && resolve(e)),
    );

    // The visitor's message is handled by node A.
    const chat = await call(
      a.app,
      o.bearer,
      "POST",
      `/api/v1/workspaces/${o.wsId}/agents/${o.agentId}/chat`,
      {
        message: "Hello from node A",
      },
    );
    const conversationId = chat.json().conversationId as string;
    expect((await seen).conversationId).toBe(conversationId);

    // Node A sees the operator on node B as online: a handoff is routed to them.
    const routed = await routeHandoff(a.app.ctx, a.app.realtime, {
      workspaceId: o.wsId,
      conversationId,
      reason: "test",
    });
    expect(routed).toEqual({ assignedTo: op.user.id, emailed: 0 });

    // The visitor's socket is on node A; the operator replies through node B.
    const token = `vt_${"y".repeat(43)}`;
    await database.query(
      "update conversations set visitor_token_hash = $1, visitor_token_expires_at = now() + interval '1 hour' where id = $2",
      [hashVisitorToken(token), conversationId],
    );
    const visitor = await socket(urlOf(a), "/visitor", token);
    const got = new Promise<{ content: string }>((resolve) => visitor.once("message", resolve));
    const reply = await call(
      b.app,
      op.bearer,
      "POST",
      `/api/v1/workspaces/${o.wsId}/inbox/conversations/${conversationId}/messages`,
      { content: "Nok here, from node B" },
    );
    expect(reply.statusCode, reply.body).toBe(201);
    expect((await got).content).toBe("Nok here, from node B");

    // Typing crosses nodes too, both ways.
    await new Promise((r) => inbox.emit("watch", { conversationId }, r));
    const visitorTyping = new Promise((resolve) => inbox.once("typing", resolve));
    visitor.emit("typing", { typing: true });
    expect(await visitorTyping).toMatchObject({ conversationId, who: "visitor", typing: true });
    const operatorTyping = new Promise((resolve) => visitor.once("typing", resolve));
    inbox.emit("typing", { conversationId, typing: true });
    expect(await operatorTyping).toEqual({ typing: true });

    visitor.close();
    inbox.close();
  });

  it("refuses a visitor socket without a valid, unexpired token", async () => {
    await expect(socket(urlOf(a), "/visitor", "nope")).rejects.toThrow(/UNAUTHENTICATED/);
    await expect(socket(urlOf(b), "/visitor", `vt_${"z".repeat(43)}`)).rejects.toThrow(/UNAUTHENTICATED/);
  });

  it("keeps a visitor socket to the agent's websites and limits how often typing is relayed", async () => {
    const o = await ownerWithAgent(a.app);
    const agentUrl = `/api/v1/workspaces/${o.wsId}/agents/${o.agentId}`;
    const set = await call(a.app, o.bearer, "PATCH", agentUrl, { allowedOrigins: ["https://shop.example"] });
    expect(set.statusCode, set.body).toBe(200);
    const chat = await call(a.app, o.bearer, "POST", `${agentUrl}/chat`, { message: "Hi" });
    const conversationId = chat.json().conversationId as string;
    const token = `vt_${"o".repeat(43)}`;
    await database.query(
      "update conversations set visitor_token_hash = $1, visitor_token_expires_at = now() + interval '1 hour' where id = $2",
      [hashVisitorToken(token), conversationId],
    );
    await expect(socket(urlOf(a), "/visitor", token, "https://evil.example")).rejects.toThrow(
      /ORIGIN_NOT_ALLOWED/,
    );
    await expect(socket(urlOf(a), "/visitor", token)).rejects.toThrow(/ORIGIN_NOT_ALLOWED/);
    const visitor = await socket(urlOf(a), "/visitor", token, "https://shop.example");

    const inbox = await socket(urlOf(b), "/inbox", o.token);
    await new Promise((r) => inbox.emit("join", { workspaceId: o.wsId }, r));
    await new Promise((r) => inbox.emit("watch", { conversationId }, r));
    const got: unknown[] = [];
    inbox.on("typing", (e) => got.push(e));
    for (let i = 0; i < 10; i++) visitor.emit("typing", { typing: true });
    visitor.emit("typing", { typing: false }); // "stopped" always goes through
    await new Promise((r) => setTimeout(r, 500));
    expect(got).toEqual([
      ...Array.from({ length: 5 }, () => ({ conversationId, who: "visitor", typing: true })),
      { conversationId, who: "visitor", typing: false },
    ]);
    visitor.close();
    inbox.close();
  });

  it("sends nothing after it closes: events from work still finishing, or a publish racing the QUIT, are dropped quietly", async () => {
    const c = await createTestApp({
      database,
      env: { REDIS_URL, REDIS_KEY_PREFIX: `rtc${Date.now().toString(36)}:` },
    });
    await c.app.listen({ port: 0, host: "127.0.0.1" });
    const o = await ownerWithAgent(c.app);
    const inbox = await socket(urlOf(c), "/inbox", o.token);
    await new Promise((r) => inbox.emit("join", { workspaceId: o.wsId }, r));
    // A publish the adapter makes without waiting, in flight when the node shuts down.
    c.app.realtime.inbox.to(`ws:${o.wsId}`).emit("lead.updated", { workspaceId: o.wsId, leadId: "ld_x" });
    inbox.close();
    const closing = c.close();
    // A turn finishing after close still emits its domain event.
    c.app.ctx.events.emit({
      type: "lead.updated",
      workspaceId: o.wsId,
      leadId: "ld_y",
      contactId: "ct_y",
      status: "new",
      change: "status",
    });
    await closing;
    c.app.ctx.events.emit({
      type: "lead.updated",
      workspaceId: o.wsId,
      leadId: "ld_z",
      contactId: "ct_z",
      status: "new",
      change: "status",
    });
    // Vitest fails the run on any unhandled rejection ("Connection is closed."); give one a moment.
    await new Promise((r) => setTimeout(r, 200));
  });
});
