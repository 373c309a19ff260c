import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeLlmServer, startFakeAnthropic, startFakeOpenAI } from "../../../test/fake-llm.ts";
import {
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
import { messages } from "../../db/schema/index.ts";

// What a visitor sees when the model misbehaves: rate limits, server errors, silence, stalls,
// a tripped circuit breaker, and a visitor who walks away mid-answer. The providers are the fake
// OpenAI and Anthropic servers; the app is real.

let openai: FakeLlmServer;
let anthropic: FakeLlmServer;
/** Retries on (2 after the first attempt), breaker effectively off. */
let t: TestApp;

const baseEnv = (extra: Record<string, string> = {}) => ({
  AUTH_RATE_LIMIT_MAX: "10000",
  RATE_LIMIT_MAX: "10000",
  OPENAI_API_KEY: openai.apiKey,
  OPENAI_BASE_URL: openai.url,
  ANTHROPIC_API_KEY: anthropic.apiKey,
  ANTHROPIC_BASE_URL: anthropic.url,
  LLM_BREAKER_THRESHOLD: "1000",
  ...extra,
});

beforeAll(async () => {
  openai = await startFakeOpenAI();
  anthropic = await startFakeAnthropic();
  t = await createTestApp({ env: baseEnv({ LLM_MAX_RETRIES: "2" }) });
});
afterAll(async () => {
  await t?.close();
  await openai?.close();
  await anthropic?.close();
});
beforeEach(() => {
  openai.setDefault(null);
  anthropic.setDefault(null);
});

const FALLBACK = { provider: "anthropic", model: "claude-haiku-4-5" };
const POLITE = "Sorry, I can't answer right now. Please try again in a moment.";

type Owner = SignedUp & { wsId: string };

async function newOwner(app: TestApp["app"]): Promise<Owner> {
  const u = await signUp(app);
  const ws = await createWorkspace(app, u.bearer);
  return { ...u, wsId: ws.id };
}

async function newAgent(app: TestApp["app"], who: Owner, body: Record<string, unknown> = {}) {
  const res = await call(app, who.bearer, "POST", `/api/v1/workspaces/${who.wsId}/agents`, {
    name: "Mia",
    instructions: "Answer briefly.",
    provider: "openai",
    model: "gpt-4o-mini",
    ...body,
  });
  if (res.statusCode !== 201) throw new Error(`create agent failed: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

function chat(
  app: TestApp["app"],
  who: Caller,
  wsId: string,
  agentId: string,
  message: string,
  opts: { sse?: boolean; conversationId?: string } = {},
): Promise<LightMyRequestResponse> {
  return call(
    app,
    who,
    "POST",
    `/api/v1/workspaces/${wsId}/agents/${agentId}/chat`,
    { message, ...(opts.conversationId ? { conversationId: opts.conversationId } : {}) },
    opts.sse ? { accept: "text/event-stream" } : {},
  );
}

function parseSse(body: string): { event: string; data: unknown }[] {
  return body
    .split("\n\n")
    .filter((f) => f.trim())
    .map((frame) => {
      let event = "message";
      const data: string[] = [];
      for (const line of frame.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      return { event, data: JSON.parse(data.join("\n")) as unknown };
    });
}

/** Waits for a condition that depends on work finishing in the background (no timing asserted). */
async function until<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function assistantRows(app: TestApp["app"], conversationId: string) {
  return app.ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.role, "assistant")));
}

// ── retries and fallback ────────────────────────────────────────────────────────────────────

describe("retries and fallback", () => {
  it("retries after a 429 and answers", async () => {
    const owner = await newOwner(t.app);
    const agentId = await newAgent(t.app, owner);
    const before = openai.requests.length;
    openai.enqueue(
      { kind: "error", status: 429, headers: { "retry-after-ms": "1" } },
      { kind: "text", text: "Here you go.", usage: { input: 10, output: 3 } },
    );
    const res = await chat(t.app, owner.bearer, owner.wsId, agentId, "Hello?");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.message).toMatchObject({ content: "Here you go.", status: "complete" });
    expect(body.error).toBeNull();
    expect(body.usage).toMatchObject({ provider: "openai", inputTokens: 10, outputTokens: 3 });
    expect(openai.requests.length).toBe(before + 2);
  });

  it("after the main model fails every retry, the fallback model answers", async () => {
    const owner = await newOwner(t.app);
    const agentId = await newAgent(t.app, owner, { fallback: FALLBACK });
    const beforeOpenAi = openai.requests.length;
    const beforeAnthropic = anthropic.requests.length;
    openai.enqueue(
      { kind: "error", status: 500 },
      { kind: "error", status: 500 },
      { kind: "error", status: 500 },
    );
    anthropic.enqueue({ kind: "text", text: "Answered by the fallback.", usage: { input: 40, output: 5 } });

    const res = await chat(t.app, owner.bearer, owner.wsId, agentId, "Are you open today?");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.message).toMatchObject({ content: "Answered by the fallback.", status: "complete" });
    expect(body.error).toBeNull();
    expect(body.usage).toMatchObject({
      provider: "anthropic",
      model: "claude-haiku-4-5",
      inputTokens: 40,
      outputTokens: 5,
    });
    // 40 × $1 / 1M + 5 × $5 / 1M (claude-haiku-4-5 default price)
    expect(body.usage.costUsd).toBeCloseTo((40 * 1 + 5 * 5) / 1_000_000, 12);
    expect(openai.requests.length).toBe(beforeOpenAi + 3); // first attempt + LLM_MAX_RETRIES
    expect(anthropic.requests.length).toBe(beforeAnthropic + 1);
    // The fallback got the same conversation: system prompt and the visitor's message.
    const sent = anthropic.requests[beforeAnthropic]!.messages;
    expect(sent[0]!.role).toBe("system");
    expect(sent.at(-1)).toEqual({ role: "user", content: "Are you open today?" });
  });

  it("a built-in fallback answers from quick answers when the model fails", async () => {
    const owner = await newOwner(t.app);
    const agentId = await newAgent(t.app, owner, {
      fallback: { provider: "builtin", model: "builtin" },
      quickAnswers: [{ question: "What are your opening hours?", answer: "We open at 8am every day." }],
    });
    const res0 = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${owner.wsId}/agents/${agentId}`);
    expect(res0.json().fallback).toEqual({ provider: "builtin", model: "builtin" });
    openai.setDefault({ kind: "error", status: 500 });
    const res = await chat(t.app, owner.bearer, owner.wsId, agentId, "What are your opening hours?");
    openai.setDefault(null);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // The configured fallback answers (as documented), instead of the "try again" message.
    expect(body.usage.provider).toBe("builtin");
    expect(body.message.content).toContain("We open at 8am every day.");
    expect(body.message.status).toBe("complete");
  });

  it("when every model fails: 200 with a polite message stored as failed with MODEL_UNAVAILABLE", async () => {
    const owner = await newOwner(t.app);
    const agentId = await newAgent(t.app, owner, { fallback: FALLBACK });
    const { key } = await createApiKey(t.app, owner.bearer, owner.wsId, { name: "k" });
    const api = { headers: { authorization: `Bearer ${key}` } };
    const conv = await call(t.app, api, "POST", "/api/v1/conversations", { agentId });
    const conversationId = conv.json().id;
    const beforeOpenAi = openai.requests.length;
    const beforeAnthropic = anthropic.requests.length;
    openai.setDefault({ kind: "error", status: 500 });
    anthropic.setDefault({ kind: "error", status: 529 });

    const res = await call(t.app, api, "POST", `/api/v1/conversations/${conversationId}/messages`, {
      content: "Is the shop open?",
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.message).toMatchObject({ content: POLITE, status: "failed" });
    expect(body.error.code).toBe("MODEL_UNAVAILABLE");
    expect(body.status).toBe("ai");
    expect(openai.requests.length).toBe(beforeOpenAi + 3);
    expect(anthropic.requests.length).toBe(beforeAnthropic + 3);

    const list = await call(t.app, api, "GET", `/api/v1/conversations/${conversationId}/messages`);
    const stored = list.json().messages as Array<{
      role: string;
      content: string;
      status: string;
      error: { code: string; message: string } | null;
    }>;
    expect(stored.map((m) => m.role)).toEqual(["visitor", "assistant"]);
    expect(stored[1]).toMatchObject({
      content: POLITE,
      status: "failed",
      error: { code: "MODEL_UNAVAILABLE" },
    });
    expect(stored[1]!.error!.message.length).toBeGreaterThan(0);

    // The conversation is not stuck: the next turn answers once the provider is back.
    openai.setDefault(null);
    const next = await call(t.app, api, "POST", `/api/v1/conversations/${conversationId}/messages`, {
      content: "Hello again",
    });
    expect(next.json().message).toMatchObject({ content: "You said: Hello again", status: "complete" });
  });

  it("streams the polite message and a done event carrying the failure", async () => {
    const owner = await newOwner(t.app);
    const agentId = await newAgent(t.app, owner);
    openai.setDefault({ kind: "error", status: 503 });
    const res = await chat(t.app, owner.bearer, owner.wsId, agentId, "Hello?", { sse: true });
    openai.setDefault(null);
    expect(res.statusCode).toBe(200);
    const evts = parseSse(res.body);
    const text = evts
      .filter((e) => e.event === "token")
      .map((e) => (e.data as { text: string }).text)
      .join("");
    expect(text).toBe(POLITE);
    const done = evts.at(-1)!;
    expect(done.event).toBe("done");
    expect(done.data).toMatchObject({
      message: { content: POLITE, status: "failed" },
      error: { code: "MODEL_UNAVAILABLE" },
    });
  });

  it("a failing provider call is reported through the app's logger, not dumped raw on the console", async () => {
    // Operators run with structured JSON logs (or LOG_LEVEL=silent); a raw multi-line error dump
    // with the provider's request body on stderr for every failed attempt breaks both.
    const owner = await newOwner(t.app);
    const agentId = await newAgent(t.app, owner);
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      openai.enqueue(
        { kind: "error", status: 500 },
        { kind: "error", status: 500 },
        { kind: "error", status: 500 },
      );
      const res = await chat(t.app, owner.bearer, owner.wsId, agentId, "Hello?");
      expect(res.json().error.code).toBe("MODEL_UNAVAILABLE");
      expect(spy.mock.calls.map((c) => String(c[0]).split("\n")[0])).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it("does not retry a request the provider rejects as invalid (400)", async () => {
    const owner = await newOwner(t.app);
    const agentId = await newAgent(t.app, owner);
    const before = openai.requests.length;
    openai.enqueue({ kind: "error", status: 400 });
    const res = await chat(t.app, owner.bearer, owner.wsId, agentId, "Hello?");
    expect(res.json()).toMatchObject({ message: { status: "failed" }, error: { code: "MODEL_UNAVAILABLE" } });
    expect(openai.requests.length).toBe(before + 1);
  });
});

// ── timeouts ────────────────────────────────────────────────────────────────────────────────

describe("timeouts", () => {
  let fast: TestApp;
  beforeAll(async () => {
    fast = await createTestApp({
      env: baseEnv({ LLM_TIMEOUT_SECONDS: "0.3", LLM_IDLE_TIMEOUT_SECONDS: "0.3", LLM_MAX_RETRIES: "0" }),
    });
  });
  afterAll(async () => fast?.close());

  it("a provider that never sends a first token is cancelled and the fallback answers", async () => {
    const owner = await newOwner(fast.app);
    const agentId = await newAgent(fast.app, owner, { fallback: FALLBACK });
    const aborted = openai.aborted();
    const before = openai.requests.length;
    openai.enqueue({ kind: "hang" });
    anthropic.enqueue({ kind: "text", text: "Sorry for the wait: we open at 8." });

    const res = await chat(fast.app, owner.bearer, owner.wsId, agentId, "When do you open?");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      message: { content: "Sorry for the wait: we open at 8.", status: "complete" },
      usage: { provider: "anthropic" },
      error: null,
    });
    expect(openai.requests.length).toBe(before + 1);
    // The hung upstream request was cancelled, not left open.
    await until(() => openai.aborted() > aborted, "the hung request to be aborted");
  });

  it("without a fallback, a silent provider ends the turn as failed", async () => {
    const owner = await newOwner(fast.app);
    const agentId = await newAgent(fast.app, owner);
    const aborted = openai.aborted();
    openai.enqueue({ kind: "hang" });
    const res = await chat(fast.app, owner.bearer, owner.wsId, agentId, "Hello?");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.message).toMatchObject({ content: POLITE, status: "failed" });
    expect(body.error.code).toBe("MODEL_UNAVAILABLE");
    expect(body.error.message).toMatch(/time/i);
    await until(() => openai.aborted() > aborted, "the hung request to be aborted");
  });

  it("a stream that stalls mid-answer is stored as partial with the text received so far", async () => {
    const owner = await newOwner(fast.app);
    const agentId = await newAgent(fast.app, owner);
    const aborted = openai.aborted();
    openai.enqueue({ kind: "stall", text: "We open at eight and" });

    // Streamed to the client, so the model is asked for a stream too.
    const res = await chat(fast.app, owner.bearer, owner.wsId, agentId, "When do you open?", { sse: true });
    expect(res.statusCode, res.body).toBe(200);
    const body = parseSse(res.body).at(-1)!.data as {
      conversationId: string;
      message: unknown;
      error: unknown;
    };
    expect(body.message).toMatchObject({ content: "We open at eight and", status: "partial" });
    expect(body.error).not.toBeNull();
    const [row] = await assistantRows(fast.app, body.conversationId);
    expect(row).toMatchObject({ content: "We open at eight and", status: "partial" });
    expect(row!.errorCode).toBeTruthy();
    await until(() => openai.aborted() > aborted, "the stalled request to be aborted");
  });

  it("a JSON request asks for one plain completion; if it stalls the polite message is stored", async () => {
    const owner = await newOwner(fast.app);
    const agentId = await newAgent(fast.app, owner);
    const before = openai.requests.length;
    openai.enqueue({ kind: "stall", text: "We open at eight and" });

    const res = await chat(fast.app, owner.bearer, owner.wsId, agentId, "When do you open?");
    expect(res.statusCode, res.body).toBe(200);
    expect((openai.requests[before]!.body as { stream?: boolean }).stream).not.toBe(true);
    const body = res.json();
    expect(body.message).toMatchObject({ content: POLITE, status: "failed" });
    const [row] = await assistantRows(fast.app, body.conversationId);
    expect(row).toMatchObject({ status: "failed", errorCode: "MODEL_UNAVAILABLE" });
  });
});

// ── circuit breaker ─────────────────────────────────────────────────────────────────────────

describe("circuit breaker", () => {
  let tripped: TestApp;
  beforeAll(async () => {
    tripped = await createTestApp({
      env: baseEnv({
        LLM_BREAKER_THRESHOLD: "2",
        LLM_MAX_RETRIES: "0",
        LLM_BREAKER_COOLDOWN_SECONDS: "3600",
      }),
    });
  });
  afterAll(async () => tripped?.close());

  it("after repeated failures the provider is skipped entirely and the fallback answers", async () => {
    const owner = await newOwner(tripped.app);
    const agentId = await newAgent(tripped.app, owner, { fallback: FALLBACK });
    const before = openai.requests.length;
    for (let i = 0; i < 2; i++) {
      openai.enqueue({ kind: "error", status: 500 });
      const res = await chat(tripped.app, owner.bearer, owner.wsId, agentId, `Attempt ${i}`);
      expect(res.json().usage.provider).toBe("anthropic");
    }
    expect(openai.requests.length).toBe(before + 2);

    const third = await chat(tripped.app, owner.bearer, owner.wsId, agentId, "Third time");
    expect(third.statusCode, third.body).toBe(200);
    expect(third.json()).toMatchObject({
      message: { content: "You said: Third time", status: "complete" },
      usage: { provider: "anthropic" },
    });
    // The open breaker kept the request from reaching OpenAI at all.
    expect(openai.requests.length).toBe(before + 2);
  });

  it("a workspace's failing own key trips only its own breaker, not the platform's", async () => {
    const own = await startFakeOpenAI({ apiKey: "sk-workspace-own-key" });
    const app = await createTestApp({
      env: baseEnv({
        LLM_BREAKER_THRESHOLD: "2",
        LLM_MAX_RETRIES: "0",
        LLM_BREAKER_COOLDOWN_SECONDS: "3600",
        ALLOW_PRIVATE_URLS: "127.0.0.1",
      }),
    });
    try {
      const a = await newOwner(app.app);
      const saved = await call(app.app, a.bearer, "PUT", `/api/v1/workspaces/${a.wsId}/providers/openai`, {
        apiKey: own.apiKey,
        baseUrl: own.url,
      });
      expect(saved.statusCode, saved.body).toBe(200);
      const agentA = await newAgent(app.app, a);
      own.setDefault({ kind: "error", status: 500 });
      for (let i = 0; i < 2; i++) {
        const res = await chat(app.app, a.bearer, a.wsId, agentA, `A ${i}`);
        expect(res.json().error.code).toBe("MODEL_UNAVAILABLE");
      }
      const ownCount = own.requests.length;
      const platformBefore = openai.requests.length;
      const third = await chat(app.app, a.bearer, a.wsId, agentA, "A again");
      expect(third.json().error.code).toBe("MODEL_UNAVAILABLE");
      expect(own.requests.length).toBe(ownCount); // A's breaker is open
      expect(openai.requests.length).toBe(platformBefore); // A never falls over to the platform key

      // Another workspace on the platform's key still gets answers.
      const b = await newOwner(app.app);
      const agentB = await newAgent(app.app, b);
      const res = await chat(app.app, b.bearer, b.wsId, agentB, "Hello from B");
      expect(res.json()).toMatchObject({
        message: { content: "You said: Hello from B", status: "complete" },
      });
      expect(openai.requests.length).toBe(platformBefore + 1);
      expect(own.requests.length).toBe(ownCount);
    } finally {
      await app.close();
      await own.close();
    }
  });

  it("an open breaker with no fallback answers politely at once", async () => {
    const owner = await newOwner(tripped.app);
    const agentId = await newAgent(tripped.app, owner);
    const before = openai.requests.length;
    const res = await chat(tripped.app, owner.bearer, owner.wsId, agentId, "Anyone?");
    expect(res.json()).toMatchObject({
      message: { content: POLITE, status: "failed" },
      error: { code: "MODEL_UNAVAILABLE" },
    });
    expect(openai.requests.length).toBe(before);
  });
});

// ── a visitor who leaves ────────────────────────────────────────────────────────────────────

describe("client abandons a stream", () => {
  let live: TestApp;
  let base: string;
  beforeAll(async () => {
    live = await createTestApp({ env: baseEnv() });
    await live.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(live.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => live?.close());

  it("cancels the upstream request and stores the partial answer with CLIENT_ABORTED", async () => {
    const owner = await newOwner(live.app);
    const agentId = await newAgent(live.app, owner);
    const aborted = openai.aborted();
    const long = Array.from({ length: 300 }, (_, i) => `word${i}`).join(" ");
    openai.enqueue({ kind: "text", text: long, delayMs: 50 });

    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/workspaces/${owner.wsId}/agents/${agentId}/chat`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${owner.token}`,
        "content-type": "application/json",
        accept: "text/event-stream",
      },
      body: JSON.stringify({ message: "Tell me a long story" }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    while (!received.includes("event: token")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before a token: ${received}`);
      received += decoder.decode(value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => {});

    const row = await until(async () => {
      const rows = await live.app.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.workspaceId, owner.wsId), eq(messages.role, "assistant")));
      return rows[0];
    }, "the partial answer to be stored");
    expect(row.status).toBe("partial");
    expect(row.errorCode).toBe("CLIENT_ABORTED");
    expect(row.content.startsWith("word0")).toBe(true);
    expect(row.content.length).toBeLessThan(long.length);
    await until(() => openai.aborted() > aborted, "the upstream request to be aborted");
  });

  it("a JSON client that leaves while the model is silent cancels the upstream call", async () => {
    const owner = await newOwner(live.app);
    const agentId = await newAgent(live.app, owner);
    const aborted = openai.aborted();
    const before = openai.requests.length;
    openai.enqueue({ kind: "hang" });
    const controller = new AbortController();
    const pending = fetch(`${base}/api/v1/workspaces/${owner.wsId}/agents/${agentId}/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "Are you there?" }),
      signal: controller.signal,
    }).catch((err: unknown) => err);
    await until(() => openai.requests.length > before, "the model request to start");
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);

    await until(() => openai.aborted() > aborted, "the upstream request to be aborted");
    const row = await until(async () => {
      const rows = await live.app.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.workspaceId, owner.wsId), eq(messages.role, "assistant")));
      return rows[0];
    }, "the answer row to be stored");
    expect(row).toMatchObject({ status: "partial", errorCode: "CLIENT_ABORTED", content: "" });
  });

  it("still answers normally over a real socket", async () => {
    const owner = await newOwner(live.app);
    const agentId = await newAgent(live.app, owner);
    const res = await fetch(`${base}/api/v1/workspaces/${owner.wsId}/agents/${agentId}/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "Ping" }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: { content: string } }).message.content).toBe("You said: Ping");
  });
});

// ── tenant isolation ────────────────────────────────────────────────────────────────────────

describe("tenant isolation", () => {
  it("a failing agent of one workspace cannot be driven by another workspace", async () => {
    const a = await newOwner(t.app);
    const agentA = await newAgent(t.app, a, { fallback: FALLBACK });
    const b = await newOwner(t.app);
    const before = openai.requests.length + anthropic.requests.length;
    expectError(await chat(t.app, b.bearer, a.wsId, agentA, "hi"), 404);
    expect(openai.requests.length + anthropic.requests.length).toBe(before);
  });
});
