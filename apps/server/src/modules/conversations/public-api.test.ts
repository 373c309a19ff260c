import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeOpenAI } from "../../../test/fake-llm.ts";
import {
  anonymous,
  type Caller,
  call,
  createApiKey,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { conversations, messages } from "../../db/schema/index.ts";

// The public conversations API (API keys) and the usage report, against the fake OpenAI server.

let openai: FakeLlmServer;
let t: TestApp;
// Usage is bucketed by the app clock's UTC day; the test moves it forward by whole days.
let clockNow = new Date("2026-03-10T12:00:00.000Z");
const DAY1 = "2026-03-10";
const DAY2 = "2026-03-11";

beforeAll(async () => {
  openai = await startFakeOpenAI();
  t = await createTestApp({
    env: {
      AUTH_RATE_LIMIT_MAX: "10000",
      RATE_LIMIT_MAX: "10000",
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: openai.url,
    },
    clock: { now: () => clockNow },
  });
});
afterAll(async () => {
  await t?.close();
  await openai?.close();
});
beforeEach(() => openai.setDefault(null));

type Owner = SignedUp & { wsId: string };

async function newOwner(name = "Acme Coffee"): Promise<Owner> {
  const u = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer, name);
  return { ...u, wsId: ws.id };
}

async function newAgent(who: Owner, body: Record<string, unknown> = {}): Promise<string> {
  const res = await call(t.app, who.bearer, "POST", `/api/v1/workspaces/${who.wsId}/agents`, {
    name: "Mia",
    provider: "openai",
    model: "gpt-4o-mini",
    ...body,
  });
  if (res.statusCode !== 201) throw new Error(`create agent failed: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

async function keyFor(who: Owner, scopes?: string[]): Promise<Caller> {
  const { key } = await createApiKey(t.app, who.bearer, who.wsId, {
    name: scopes ? scopes.join(" ") : "all scopes",
    ...(scopes ? { scopes } : {}),
  });
  return { headers: { authorization: `Bearer ${key}` } };
}

async function startConversation(key: Caller, agentId: string, metadata?: Record<string, unknown>) {
  const res = await call(t.app, key, "POST", "/api/v1/conversations", {
    agentId,
    ...(metadata ? { metadata } : {}),
  });
  if (res.statusCode !== 201) throw new Error(`create conversation failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string };
}

const send = (key: Caller, conversationId: string, content: string, extra: Record<string, unknown> = {}) =>
  call(t.app, key, "POST", `/api/v1/conversations/${conversationId}/messages`, { content, ...extra });

const list = (key: Caller, conversationId: string, query = "") =>
  call(t.app, key, "GET", `/api/v1/conversations/${conversationId}/messages${query}`);

async function storedCount(conversationId: string) {
  return (await t.app.ctx.db.select().from(messages).where(eq(messages.conversationId, conversationId)))
    .length;
}

// ── conversations ───────────────────────────────────────────────────────────────────────────

describe("public API: conversations", () => {
  it("creates a conversation with metadata and reads it back", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const key = await keyFor(owner);
    const metadata = { customerId: "cus_123", plan: "pro", seats: 5, vip: true, referrer: null };
    const res = await call(t.app, key, "POST", "/api/v1/conversations", { agentId, metadata });
    expect(res.statusCode, res.body).toBe(201);
    const conv = res.json();
    expect(conv).toMatchObject({
      agentId,
      channel: "api",
      status: "ai",
      metadata,
      contactId: null,
      lastMessageAt: null,
    });
    expect(conv.id).toMatch(/^cnv_[0-9a-z]{20}$/);

    const got = await call(t.app, key, "GET", `/api/v1/conversations/${conv.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(conv);
    const [row] = await t.app.ctx.db.select().from(conversations).where(eq(conversations.id, conv.id));
    expect(row).toMatchObject({ workspaceId: owner.wsId, agentId, channel: "api", metadata });

    // Without metadata: an empty object.
    const plain = await call(t.app, key, "POST", "/api/v1/conversations", { agentId });
    expect(plain.json().metadata).toEqual({});
  });

  it("validates the request", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const key = await keyFor(owner);
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    expectError(
      await call(t.app, key, "POST", "/api/v1/conversations", { agentId, metadata: tooMany }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(
      await call(t.app, key, "POST", "/api/v1/conversations", { agentId, metadata: { nested: { a: 1 } } }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(await call(t.app, key, "POST", "/api/v1/conversations", {}), 400, "VALIDATION_FAILED");
    expectError(
      await call(t.app, key, "POST", "/api/v1/conversations", { agentId: "agt_00000000000000000000" }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await call(t.app, key, "GET", "/api/v1/conversations/cnv_00000000000000000000"),
      404,
      "NOT_FOUND",
    );
    const rows = await t.app.ctx.db
      .select()
      .from(conversations)
      .where(eq(conversations.workspaceId, owner.wsId));
    expect(rows).toEqual([]);
  });

  it("answers a message as JSON and as SSE, and stores both sides", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const key = await keyFor(owner);
    const conv = await startConversation(key, agentId);
    openai.enqueue({ kind: "text", text: "We roast on Mondays.", usage: { input: 80, output: 6 } });
    const res = await send(key, conv.id, "When do you roast?");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      conversationId: conv.id,
      status: "ai",
      message: { content: "We roast on Mondays.", status: "complete" },
      usage: { provider: "openai", model: "gpt-4o-mini", inputTokens: 80, outputTokens: 6 },
      error: null,
    });

    const sse = await send(key, conv.id, "And on Tuesdays?", { stream: true });
    expect(sse.headers["content-type"]).toMatch(/^text\/event-stream/);
    const done = sse.body
      .split("\n\n")
      .find((f) => f.startsWith("event: done"))
      ?.split("\n")
      .find((l) => l.startsWith("data: "))
      ?.slice(6);
    expect(JSON.parse(done!)).toMatchObject({ message: { content: "You said: And on Tuesdays?" } });

    const after = await call(t.app, key, "GET", `/api/v1/conversations/${conv.id}`);
    expect(after.json().lastMessageAt).not.toBeNull();
    expect(await storedCount(conv.id)).toBe(4);
  });

  it("refuses empty and over-long messages without storing them", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const key = await keyFor(owner);
    const conv = await startConversation(key, agentId);
    const before = openai.requests.length;
    expectError(await send(key, conv.id, "  "), 400, "VALIDATION_FAILED");
    expectError(await send(key, conv.id, "z".repeat(4001)), 400, "MESSAGE_TOO_LONG");
    expectError(await send(key, conv.id, "z".repeat(4001), { stream: true }), 400, "MESSAGE_TOO_LONG");
    expect(await storedCount(conv.id)).toBe(0);
    expect(openai.requests.length).toBe(before);
  });
});

// ── message paging ──────────────────────────────────────────────────────────────────────────

describe("public API: messages list", () => {
  it("pages oldest first with limit and cursor, visitor before assistant", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const key = await keyFor(owner);
    const conv = await startConversation(key, agentId);
    for (let i = 1; i <= 3; i++) {
      openai.enqueue({ kind: "text", text: `Answer ${i}`, usage: { input: 10, output: 2 } });
      expect((await send(key, conv.id, `Question ${i}`)).statusCode).toBe(200);
    }

    const all = await list(key, conv.id);
    expect(all.statusCode).toBe(200);
    const everything = all.json();
    expect(everything.nextCursor).toBeNull();
    expect(everything.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ["visitor", "Question 1"],
      ["assistant", "Answer 1"],
      ["visitor", "Question 2"],
      ["assistant", "Answer 2"],
      ["visitor", "Question 3"],
      ["assistant", "Answer 3"],
    ]);
    const [visitor, assistant] = everything.messages;
    expect(visitor).toMatchObject({
      conversationId: conv.id,
      role: "visitor",
      status: "complete",
      provider: null,
      toolCalls: [],
      citations: [],
      error: null,
    });
    expect(assistant).toMatchObject({
      role: "assistant",
      provider: "openai",
      model: "gpt-4o-mini",
      inputTokens: 10,
      outputTokens: 2,
      error: null,
    });
    expect(assistant.costUsd).toBeCloseTo((10 * 0.15 + 2 * 0.6) / 1_000_000, 12);
    expect(assistant.latencyMs).toBeGreaterThanOrEqual(0);

    const page1 = (await list(key, conv.id, "?limit=4")).json();
    expect(page1.messages.map((m: { content: string }) => m.content)).toEqual([
      "Question 1",
      "Answer 1",
      "Question 2",
      "Answer 2",
    ]);
    expect(page1.nextCursor).toBe(page1.messages[3].id);
    const page2 = (await list(key, conv.id, `?limit=4&cursor=${page1.nextCursor}`)).json();
    expect(page2.messages.map((m: { content: string }) => m.content)).toEqual(["Question 3", "Answer 3"]);
    expect(page2.nextCursor).toBeNull();
    expect([...page1.messages, ...page2.messages]).toEqual(everything.messages);

    // A page that ends exactly at the last message has no next cursor.
    const exact = (await list(key, conv.id, "?limit=6")).json();
    expect(exact.messages).toHaveLength(6);
    expect(exact.nextCursor).toBeNull();

    // Walking one message at a time visits every message once, in order.
    const walked: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res = await list(key, conv.id, `?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      const page = res.json() as { messages: { id: string }[]; nextCursor: string | null };
      walked.push(...page.messages.map((m) => m.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(walked).toEqual(everything.messages.map((m: { id: string }) => m.id));

    expectError(await list(key, conv.id, "?limit=0"), 400, "VALIDATION_FAILED");
    expectError(await list(key, conv.id, "?limit=201"), 400, "VALIDATION_FAILED");
    expectError(await list(key, conv.id, "?limit=abc"), 400, "VALIDATION_FAILED");
  });

  it("an empty conversation lists no messages", async () => {
    const owner = await newOwner();
    const key = await keyFor(owner);
    const conv = await startConversation(key, await newAgent(owner));
    expect((await list(key, conv.id)).json()).toEqual({ messages: [], nextCursor: null });
  });
});

// ── access ──────────────────────────────────────────────────────────────────────────────────

describe("public API: access", () => {
  it("checks the conversations:read and conversations:write scopes", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const full = await keyFor(owner);
    const conv = await startConversation(full, agentId);
    const reader = await keyFor(owner, ["conversations:read"]);
    const writer = await keyFor(owner, ["conversations:write"]);
    const other = await keyFor(owner, ["agents:read", "workspace:read"]);
    const before = openai.requests.length;

    // read-only key
    expectError(await call(t.app, reader, "POST", "/api/v1/conversations", { agentId }), 403, "FORBIDDEN");
    expectError(await send(reader, conv.id, "hi"), 403, "FORBIDDEN");
    expect((await call(t.app, reader, "GET", `/api/v1/conversations/${conv.id}`)).statusCode).toBe(200);
    expect((await list(reader, conv.id)).statusCode).toBe(200);

    // write-only key
    expectError(await call(t.app, writer, "GET", `/api/v1/conversations/${conv.id}`), 403, "FORBIDDEN");
    expectError(await list(writer, conv.id), 403, "FORBIDDEN");
    const created = await call(t.app, writer, "POST", "/api/v1/conversations", { agentId });
    expect(created.statusCode).toBe(201);
    const answered = await send(writer, conv.id, "hi");
    expect(answered.statusCode).toBe(200);

    // neither scope
    expectError(await call(t.app, other, "POST", "/api/v1/conversations", { agentId }), 403, "FORBIDDEN");
    expectError(await call(t.app, other, "GET", `/api/v1/conversations/${conv.id}`), 403, "FORBIDDEN");
    expectError(await send(other, conv.id, "hi"), 403, "FORBIDDEN");
    expectError(await list(other, conv.id), 403, "FORBIDDEN");

    // Only the write key's one message reached the model and the database.
    expect(openai.requests.length).toBe(before + 1);
    expect(await storedCount(conv.id)).toBe(2);
  });

  it("refuses signed-in users (403) and anonymous callers (401)", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const conv = await startConversation(await keyFor(owner), agentId);
    for (const who of [owner.bearer, owner.browser]) {
      expectError(await call(t.app, who, "POST", "/api/v1/conversations", { agentId }), 403, "FORBIDDEN");
      expectError(await call(t.app, who, "GET", `/api/v1/conversations/${conv.id}`), 403, "FORBIDDEN");
      expectError(await send(who, conv.id, "hi"), 403, "FORBIDDEN");
      expectError(await list(who, conv.id), 403, "FORBIDDEN");
    }
    expectError(await call(t.app, anonymous, "POST", "/api/v1/conversations", { agentId }), 401);
    expectError(await list(anonymous, conv.id), 401);
    expectError(await send({ headers: { authorization: "Bearer mck_not_a_real_key" } }, conv.id, "hi"), 401);
    expect(await storedCount(conv.id)).toBe(0);
  });

  it("isolates tenants: another workspace's key gets 404 and never data", async () => {
    const a = await newOwner();
    const agentA = await newAgent(a);
    const keyA = await keyFor(a);
    const convA = await startConversation(keyA, agentA, { secret: "A-only" });
    expect((await send(keyA, convA.id, "Private question from A")).statusCode).toBe(200);

    const b = await newOwner("Bistro B");
    const keyB = await keyFor(b);
    const before = openai.requests.length;
    const answers = [
      await call(t.app, keyB, "GET", `/api/v1/conversations/${convA.id}`),
      await list(keyB, convA.id),
      await send(keyB, convA.id, "Let me in"),
      await send(keyB, convA.id, "Let me in", { stream: true }),
      await call(t.app, keyB, "POST", "/api/v1/conversations", { agentId: agentA }),
    ];
    for (const res of answers) {
      expectError(res, 404, "NOT_FOUND");
      expect(res.body).not.toContain("A-only");
      expect(res.body).not.toContain("Private question");
    }
    expect(openai.requests.length).toBe(before);
    expect(await storedCount(convA.id)).toBe(2);
    const bConversations = await t.app.ctx.db
      .select()
      .from(conversations)
      .where(eq(conversations.workspaceId, b.wsId));
    expect(bConversations).toEqual([]);
  });
});

// ── usage report ────────────────────────────────────────────────────────────────────────────

describe("usage report", () => {
  const usage = (who: Caller, wsId: string, query = "") =>
    call(t.app, who, "GET", `/api/v1/workspaces/${wsId}/usage${query}`);

  it("totals answers, tokens and cost by model, agent and day", async () => {
    clockNow = new Date(`${DAY1}T12:00:00.000Z`);
    const owner = await newOwner();
    const modelAgent = await newAgent(owner, { name: "Model Mia" });
    const builtinAgent = await newAgent(owner, {
      name: "Offline Otto",
      provider: "builtin",
      model: undefined,
      quickAnswers: [{ question: "What are your opening hours?", answer: "We open at 8am." }],
    });
    const key = await keyFor(owner);
    const c1 = await startConversation(key, modelAgent);
    const c2 = await startConversation(key, builtinAgent);

    openai.enqueue(
      { kind: "text", text: "One.", usage: { input: 1000, output: 200 } },
      { kind: "text", text: "Two.", usage: { input: 500, output: 100 } },
    );
    expect((await send(key, c1.id, "First")).statusCode).toBe(200);
    expect((await send(key, c1.id, "Second")).statusCode).toBe(200);
    expect((await send(key, c2.id, "What are your opening hours?")).statusCode).toBe(200);

    clockNow = new Date(`${DAY2}T09:30:00.000Z`);
    openai.enqueue({ kind: "text", text: "Three.", usage: { input: 2000, output: 400 } });
    expect((await send(key, c1.id, "Third")).statusCode).toBe(200);

    const cost = (i: number, o: number) => (i * 0.15 + o * 0.6) / 1_000_000;
    const res = await usage(owner.bearer, owner.wsId);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    // Default range: the 30 days up to today (the app clock's day).
    expect(report.to).toBe(DAY2);
    expect(report.from).toBe("2026-02-10");
    expect(report.totals).toMatchObject({ messages: 4, inputTokens: 3500, outputTokens: 700 });
    expect(report.totals.costUsd).toBeCloseTo(cost(3500, 700), 12);

    expect(report.byModel).toHaveLength(2);
    expect(report.byModel[0]).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      modelLabel: "OpenAI · gpt-4o-mini",
      messages: 3,
      inputTokens: 3500,
      outputTokens: 700,
    });
    expect(report.byModel[1]).toEqual({
      provider: "builtin",
      model: "builtin",
      modelLabel: "Built-in (no AI model)",
      messages: 1,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
    });

    expect(report.byAgent).toHaveLength(2);
    expect(report.byAgent[0]).toMatchObject({ agentId: modelAgent, agentName: "Model Mia", messages: 3 });
    expect(report.byAgent[0].costUsd).toBeCloseTo(cost(3500, 700), 12);
    expect(report.byAgent[1]).toMatchObject({
      agentId: builtinAgent,
      agentName: "Offline Otto",
      messages: 1,
    });

    expect(report.byDay.map((d: { day: string }) => d.day)).toEqual([DAY1, DAY2]);
    expect(report.byDay[0]).toMatchObject({ messages: 3, inputTokens: 1500, outputTokens: 300 });
    expect(report.byDay[0].costUsd).toBeCloseTo(cost(1500, 300), 12);
    expect(report.byDay[1]).toMatchObject({ messages: 1, inputTokens: 2000, outputTokens: 400 });

    // A range of one day; a range before anything happened.
    const second = (await usage(owner.bearer, owner.wsId, `?from=${DAY2}&to=${DAY2}`)).json();
    expect(second.totals).toMatchObject({ messages: 1, inputTokens: 2000, outputTokens: 400 });
    expect(second.byDay.map((d: { day: string }) => d.day)).toEqual([DAY2]);
    const empty = (await usage(owner.bearer, owner.wsId, "?from=2025-01-01&to=2025-01-31")).json();
    expect(empty).toMatchObject({
      from: "2025-01-01",
      to: "2025-01-31",
      totals: { messages: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
      byModel: [],
      byAgent: [],
      byDay: [],
    });

    // The cost survives deleting the agent; its name is gone.
    const del = await call(
      t.app,
      owner.bearer,
      "DELETE",
      `/api/v1/workspaces/${owner.wsId}/agents/${builtinAgent}`,
    );
    expect(del.statusCode).toBeLessThan(300);
    const afterDelete = (await usage(owner.bearer, owner.wsId)).json();
    expect(afterDelete.totals.messages).toBe(4);
    expect(afterDelete.byAgent.find((a: { agentId: string }) => a.agentId === builtinAgent)).toMatchObject({
      agentName: null,
      messages: 1,
    });

    // An API key with workspace:read may read it; without the scope it may not.
    expect((await usage(key, owner.wsId)).json().totals.messages).toBe(4);
    const narrow = await keyFor(owner, ["conversations:read"]);
    expectError(await usage(narrow, owner.wsId), 403, "FORBIDDEN");
  });

  it("validates the range", async () => {
    const owner = await newOwner();
    expectError(
      await usage(owner.bearer, owner.wsId, "?from=2026-03-11&to=2026-03-10"),
      400,
      "VALIDATION_FAILED",
    );
    expectError(
      await usage(owner.bearer, owner.wsId, "?from=2024-01-01&to=2026-01-01"),
      400,
      "VALIDATION_FAILED",
    );
    expectError(await usage(owner.bearer, owner.wsId, "?from=yesterday"), 400, "VALIDATION_FAILED");
    const one = await usage(owner.bearer, owner.wsId, "?from=2026-03-10&to=2026-03-10");
    expect(one.statusCode).toBe(200);
  });

  it("isolates tenants: another workspace's member or key gets 404", async () => {
    clockNow = new Date(`${DAY1}T12:00:00.000Z`);
    const a = await newOwner();
    const keyA = await keyFor(a);
    const conv = await startConversation(keyA, await newAgent(a, { name: "Secret Sally" }));
    expect((await send(keyA, conv.id, "Hello")).statusCode).toBe(200);

    const b = await newOwner("Bistro B");
    const keyB = await keyFor(b);
    for (const who of [b.bearer, keyB]) {
      const res = await usage(who, a.wsId);
      expectError(res, 404, "NOT_FOUND");
      expect(res.body).not.toContain("Secret Sally");
    }
    expectError(await usage(anonymous, a.wsId), 401);
    // B's own report shows none of A's usage.
    const own = (await usage(b.bearer, b.wsId, `?from=${DAY1}&to=${DAY1}`)).json();
    expect(own.totals.messages).toBe(0);
    expect(own.byAgent).toEqual([]);
  });
});
