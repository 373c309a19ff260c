import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { APICallError } from "ai";
import { TaskCancelledError } from "cockatiel";
import { and, eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeOpenAI } from "../../../test/fake-llm.ts";
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
import { agents, contacts, conversations, leads, messages } from "../../db/schema/index.ts";
import { ClientGoneError, describeFailure, isTransient } from "./call-model.ts";

// Hardening found in review, end to end: the circuit breaker counts only the provider's
// transient failures; stored keys and action headers never follow a URL to another server;
// header and key charsets; NUL characters refused as 400; one contact per email under
// concurrency; a failure after a tool call still answers politely; the OpenAI-compatible
// endpoint's 502; action parameter schemas; CORS exposure of the conversation header; and no
// raw error texts (which can quote secrets) on stored messages. The model is the fake OpenAI
// server; the app and database are real.

let openai: FakeLlmServer;
let t: TestApp;

const POLITE = "Sorry, I can't answer right now. Please try again in a moment.";

const baseEnv = (extra: Record<string, string> = {}) => ({
  AUTH_RATE_LIMIT_MAX: "10000",
  RATE_LIMIT_MAX: "10000",
  OPENAI_API_KEY: openai.apiKey,
  OPENAI_BASE_URL: openai.url,
  LLM_MAX_RETRIES: "0",
  LLM_BREAKER_THRESHOLD: "1000",
  ALLOW_PRIVATE_URLS: "127.0.0.1",
  ...extra,
});

/** The breaker settings of the review finding: opens after two counted failures, for an hour. */
const breakerEnv = (platform: FakeLlmServer) =>
  baseEnv({
    OPENAI_API_KEY: platform.apiKey,
    OPENAI_BASE_URL: platform.url,
    LLM_BREAKER_THRESHOLD: "2",
    LLM_MAX_RETRIES: "0",
    LLM_BREAKER_COOLDOWN_SECONDS: "3600",
  });

beforeAll(async () => {
  openai = await startFakeOpenAI();
  t = await createTestApp({ env: baseEnv() });
});
afterAll(async () => {
  await t?.close();
  await openai?.close();
});
beforeEach(() => {
  openai.setDefault(null);
});

// ── helpers ────────────────────────────────────────────────────────────────────────────────

type App = TestApp["app"];
type Owner = SignedUp & { wsId: string };

async function newOwner(app: App = t.app, name = "Acme Coffee"): Promise<Owner> {
  const u = await signUp(app);
  const ws = await createWorkspace(app, u.bearer, name);
  return { ...u, wsId: ws.id };
}

async function newAgent(who: Owner, body: Record<string, unknown> = {}, app: App = t.app) {
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
  who: Caller,
  wsId: string,
  agentId: string,
  message: string,
  opts: { conversationId?: string; app?: App } = {},
): Promise<LightMyRequestResponse> {
  return call(opts.app ?? t.app, who, "POST", `/api/v1/workspaces/${wsId}/agents/${agentId}/chat`, {
    message,
    ...(opts.conversationId ? { conversationId: opts.conversationId } : {}),
  });
}

const actionsUrl = (who: Owner, agentId: string) =>
  `/api/v1/workspaces/${who.wsId}/agents/${agentId}/actions`;
const providerUrl = (wsId: string, provider = "openai") => `/api/v1/workspaces/${wsId}/providers/${provider}`;

async function createAction(who: Owner, agentId: string, body: Record<string, unknown>) {
  const res = await call(t.app, who.bearer, "POST", actionsUrl(who, agentId), body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; url: string; headerNames: string[] };
}

async function messageRow(id: string) {
  const [row] = await t.app.ctx.db.select().from(messages).where(eq(messages.id, id));
  return row!;
}

/** Waits for work that finishes in the background (no timing asserted). */
async function until<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A local HTTP server standing in for a third party; records every request it gets. */
type Received = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };
async function startRecorder(
  respond: (r: Received) => { status?: number; body: string } = () => ({ body: '{"ok":true}' }),
) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(r);
      const out = respond(r);
      res.writeHead(out.status ?? 200, { "content-type": "application/json" });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ── 1. the circuit breaker counts only transient failures ──────────────────────────────────

describe("circuit breaker: only the provider's transient failures count", () => {
  it("a model the provider answers with 404 does not pause the shared platform key for other workspaces", async () => {
    // A provider of its own: steps a failing assertion leaves queued cannot reach other tests.
    const platform = await startFakeOpenAI();
    const app = await createTestApp({ env: breakerEnv(platform) });
    try {
      const a = await newOwner(app.app);
      const agentA = await newAgent(a, { model: "gpt-retired-model" }, app.app);
      const before = platform.requests.length;
      platform.enqueue(
        { kind: "error", status: 404 },
        { kind: "error", status: 404 },
        { kind: "error", status: 404 },
      );
      for (let i = 0; i < 3; i++) {
        const res = await chat(a.bearer, a.wsId, agentA, `Turn ${i}`, { app: app.app });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({
          message: { content: POLITE, status: "failed" },
          error: { code: "MODEL_UNAVAILABLE" },
        });
        // The provider's own answer is the reason, not a paused provider.
        expect(res.json().error.message).toContain("HTTP 404");
        expect(res.json().error.message).not.toMatch(/paused/);
      }
      // Every one of A's turns reached the provider: a 404 is not an outage.
      expect(platform.requests.length).toBe(before + 3);

      const b = await newOwner(app.app, "Other shop");
      const agentB = await newAgent(b, {}, app.app);
      const res = await chat(b.bearer, b.wsId, agentB, "Hello from B", { app: app.app });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        message: { content: "You said: Hello from B", status: "complete" },
        error: null,
      });
      expect(platform.requests.length).toBe(before + 4);
    } finally {
      await app.close();
      await platform.close();
    }
  });

  it("visitors who leave before the first token do not pause the provider", async () => {
    const platform = await startFakeOpenAI();
    const app = await createTestApp({ env: breakerEnv(platform) });
    try {
      await app.app.listen({ port: 0, host: "127.0.0.1" });
      const base = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
      const a = await newOwner(app.app);
      const agentA = await newAgent(a, {}, app.app);

      for (let i = 1; i <= 3; i++) {
        const before = platform.requests.length;
        const aborted = platform.aborted();
        platform.enqueue({ kind: "hang" });
        const controller = new AbortController();
        const pending = fetch(`${base}/api/v1/workspaces/${a.wsId}/agents/${agentA}/chat`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${a.token}`,
            "content-type": "application/json",
            accept: "text/event-stream",
          },
          body: JSON.stringify({ message: `Are you there? (${i})` }),
          signal: controller.signal,
        }).catch((err: unknown) => err);
        await until(() => platform.requests.length > before, "the model request to start");
        controller.abort();
        const res = await pending;
        if (res instanceof Response) await res.body?.cancel().catch(() => {});

        // The turn ended (stored as cut short by the client) and the upstream call was cancelled.
        const rows = await until(async () => {
          const r = await app.app.ctx.db
            .select()
            .from(messages)
            .where(and(eq(messages.workspaceId, a.wsId), eq(messages.role, "assistant")));
          return r.length === i ? r : undefined;
        }, `answer ${i} to be stored`);
        expect(rows.every((r) => r.errorCode === "CLIENT_ABORTED")).toBe(true);
        await until(() => platform.aborted() > aborted, "the upstream request to be aborted");
      }

      // Another workspace on the same platform key is still answered by the model.
      const b = await newOwner(app.app, "Other shop");
      const agentB = await newAgent(b, {}, app.app);
      const before = platform.requests.length;
      const res = await chat(b.bearer, b.wsId, agentB, "Hello from B", { app: app.app });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        message: { content: "You said: Hello from B", status: "complete" },
        error: null,
      });
      expect(res.json().error?.message ?? "").not.toMatch(/paused/);
      expect(platform.requests.length).toBe(before + 1);
    } finally {
      await app.close();
      await platform.close();
    }
  });

  it("classifies failures: network hiccups, 429/5xx and timeouts are transient; the rest are not", () => {
    const apiError = (statusCode: number) =>
      new APICallError({
        message: `HTTP ${statusCode}`,
        url: "https://api.example.com/v1/chat/completions",
        requestBodyValues: {},
        statusCode,
      });
    // undici's refused / reset connection
    expect(isTransient(new TypeError("fetch failed"))).toBe(true);
    // a deterministic client-side error: fails the same way every time
    expect(isTransient(new TypeError("Headers.append: invalid header value"))).toBe(false);
    expect(isTransient(apiError(429))).toBe(true);
    expect(isTransient(apiError(500))).toBe(true);
    expect(isTransient(apiError(404))).toBe(false);
    expect(isTransient(apiError(400))).toBe(false);
    expect(isTransient(new TaskCancelledError("Operation timed out"))).toBe(true);
    expect(isTransient(new ClientGoneError("the client left"))).toBe(false);
  });

  it("a failure's description never quotes the raw error text", () => {
    const leaky = new TypeError("Headers.append: Bearer sk-live-very-secret is an invalid header value");
    const described = describeFailure(leaky);
    expect(described.code).toBe("PROVIDER_ERROR");
    expect(described.message).not.toContain("sk-live-very-secret");
    expect(describeFailure(new Error("prompt: my card is 4111 1111")).message).not.toContain("4111");
  });
});

// ── 2 & 10. contracts: header values, API keys, action parameter schemas ───────────────────

describe("contracts refuse values that would break or smuggle headers, and malformed schemas", () => {
  it("an action header value with a line break is refused with 400", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    for (const value of ["Bearer abc\r\nX-Injected: 1", "Bearer abc\ndef"]) {
      const res = await call(t.app, owner.bearer, "POST", actionsUrl(owner, agentId), {
        name: "check_order",
        description: "Look up an order",
        url: "http://127.0.0.1:9/orders",
        headers: { Authorization: value },
      });
      expectError(res, 400, "VALIDATION_FAILED");
    }
    const list = await call(t.app, owner.bearer, "GET", actionsUrl(owner, agentId));
    expect(list.json().actions).toEqual([]);
  });

  it("a provider apiKey with a line break or a space is refused with 400 before any call", async () => {
    const owner = await newOwner();
    const before = openai.requests.length;
    for (const apiKey of ["sk-abc\ndef", "sk-abc\r\nX-Injected: 1", "sk abc def"]) {
      const res = await call(t.app, owner.bearer, "PUT", providerUrl(owner.wsId), {
        apiKey,
        baseUrl: openai.url,
      });
      expectError(res, 400, "VALIDATION_FAILED");
    }
    expect(openai.requests.length).toBe(before);
    const catalogue = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${owner.wsId}/providers`);
    const entry = catalogue.json().providers.find((p: { id: string }) => p.id === "openai");
    expect(entry.source).toBe("platform");
  });

  it("action parameters whose properties are not schemas, or whose required names are unknown, are refused", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const base = { name: "check_order", description: "Look up an order", url: "http://127.0.0.1:9/orders" };
    expectError(
      await call(t.app, owner.bearer, "POST", actionsUrl(owner, agentId), {
        ...base,
        parameters: { type: "object", properties: { a: 5 } },
      }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(
      await call(t.app, owner.bearer, "POST", actionsUrl(owner, agentId), {
        ...base,
        parameters: { type: "object", properties: { q: { type: "string" } }, required: ["missing"] },
      }),
      400,
      "VALIDATION_FAILED",
    );
    // A well-formed schema is accepted, and the same checks apply to a PATCH.
    const action = await createAction(owner, agentId, {
      ...base,
      parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
    });
    expectError(
      await call(t.app, owner.bearer, "PATCH", `${actionsUrl(owner, agentId)}/${action.id}`, {
        parameters: { type: "object", properties: { q: { type: "string" } }, required: ["missing"] },
      }),
      400,
      "VALIDATION_FAILED",
    );
  });
});

// ── 3. a stored provider key never follows the base URL to another server ───────────────────

describe("provider credentials: the stored key stays with its server", () => {
  it("moving the provider to another origin without a new key is refused; with a new key it works", async () => {
    const NEW_KEY = "sk-second-server-key";
    const other = await startRecorder((r) =>
      r.headers.authorization === `Bearer ${NEW_KEY}`
        ? { body: JSON.stringify({ object: "list", data: [{ id: "gpt-4o-mini", object: "model" }] }) }
        : { status: 401, body: JSON.stringify({ error: { message: "Incorrect API key provided" } }) },
    );
    try {
      const owner = await newOwner();
      const saved = await call(t.app, owner.bearer, "PUT", providerUrl(owner.wsId), {
        apiKey: openai.apiKey,
        baseUrl: openai.url,
      });
      expect(saved.statusCode, saved.body).toBe(200);

      const moved = await call(t.app, owner.bearer, "PUT", providerUrl(owner.wsId), {
        baseUrl: `${other.url}/v1`,
      });
      expectError(moved, 400, "VALIDATION_FAILED");
      // The stored key was not sent to the other server, not even for the check.
      expect(other.received).toEqual([]);
      const catalogue = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${owner.wsId}/providers`);
      const entry = catalogue.json().providers.find((p: { id: string }) => p.id === "openai");
      expect(entry).toMatchObject({ source: "workspace", baseUrl: openai.url });

      // A URL on the same origin keeps the stored key: it does not leave its server.
      const samePlace = await call(t.app, owner.bearer, "PUT", providerUrl(owner.wsId), {
        baseUrl: `${openai.url}/`,
      });
      expect(samePlace.statusCode, samePlace.body).toBe(200);

      const withKey = await call(t.app, owner.bearer, "PUT", providerUrl(owner.wsId), {
        apiKey: NEW_KEY,
        baseUrl: `${other.url}/v1`,
      });
      expect(withKey.statusCode, withKey.body).toBe(200);
      expect(withKey.json()).toMatchObject({ source: "workspace", baseUrl: `${other.url}/v1` });
      expect(other.received.map((r) => r.headers.authorization)).toEqual([`Bearer ${NEW_KEY}`]);
      expect(JSON.stringify(other.received)).not.toContain(openai.apiKey);
    } finally {
      await other.close();
    }
  });

  it("without the check (skipCheck), and from the provider's default server, the key does not move either", async () => {
    const other = await startRecorder();
    try {
      const owner = await newOwner();
      // Saved for the provider's default server (no baseUrl), unchecked.
      const saved = await call(t.app, owner.bearer, "PUT", providerUrl(owner.wsId), {
        apiKey: "sk-for-the-default-server",
        skipCheck: true,
      });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json()).toMatchObject({ source: "workspace", baseUrl: null });

      for (const body of [{ baseUrl: `${other.url}/v1` }, { baseUrl: `${other.url}/v1`, skipCheck: true }]) {
        expectError(
          await call(t.app, owner.bearer, "PUT", providerUrl(owner.wsId), body),
          400,
          "VALIDATION_FAILED",
        );
      }
      expect(other.received).toEqual([]);
      const catalogue = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${owner.wsId}/providers`);
      const entry = catalogue.json().providers.find((p: { id: string }) => p.id === "openai");
      expect(entry).toMatchObject({ source: "workspace", baseUrl: null });
    } finally {
      await other.close();
    }
  });
});

// ── 4. an action's stored headers never follow its URL to another server ────────────────────

describe("actions: stored headers stay with their server", () => {
  it("a URL on another origin needs the headers again; the same origin keeps them", async () => {
    const first = await startRecorder(() => ({ body: '{"state":"shipped"}' }));
    const second = await startRecorder(() => ({ body: '{"state":"delivered"}' }));
    try {
      const owner = await newOwner();
      const agentId = await newAgent(owner);
      const action = await createAction(owner, agentId, {
        name: "check_order",
        description: "Look up the state of an order",
        method: "GET",
        url: `${first.url}/orders`,
        headers: { "X-Secret": "first-server-token" },
      });
      const actionUrl = `${actionsUrl(owner, agentId)}/${action.id}`;

      const moved = await call(t.app, owner.bearer, "PATCH", actionUrl, { url: `${second.url}/orders` });
      expectError(moved, 400, "VALIDATION_FAILED");
      const list = await call(t.app, owner.bearer, "GET", actionsUrl(owner, agentId));
      expect(list.json().actions[0]).toMatchObject({ url: `${first.url}/orders`, headerNames: ["X-Secret"] });

      // The stored header still goes to the original server, and only there.
      openai.enqueue(
        { kind: "tools", calls: [{ name: "check_order", args: {} }] },
        { kind: "text", text: "It has shipped." },
      );
      const turn = await chat(owner.bearer, owner.wsId, agentId, "Where is my order?");
      expect(turn.json().message).toMatchObject({ content: "It has shipped.", status: "complete" });
      expect(first.received.map((r) => r.headers["x-secret"])).toEqual(["first-server-token"]);
      expect(second.received).toEqual([]);

      // Same origin, another path: the headers stay.
      const samePlace = await call(t.app, owner.bearer, "PATCH", actionUrl, {
        url: `${first.url}/v2/orders`,
      });
      expect(samePlace.statusCode, samePlace.body).toBe(200);
      expect(samePlace.json()).toMatchObject({ url: `${first.url}/v2/orders`, headerNames: ["X-Secret"] });

      // Another origin together with its own headers: accepted, and those are what it gets.
      const withHeaders = await call(t.app, owner.bearer, "PATCH", actionUrl, {
        url: `${second.url}/orders`,
        headers: { "X-Secret": "second-server-token" },
      });
      expect(withHeaders.statusCode, withHeaders.body).toBe(200);
      expect(withHeaders.json()).toMatchObject({ url: `${second.url}/orders`, headerNames: ["X-Secret"] });
      openai.enqueue(
        { kind: "tools", calls: [{ name: "check_order", args: {} }] },
        { kind: "text", text: "It was delivered." },
      );
      const again = await chat(owner.bearer, owner.wsId, agentId, "And now?");
      expect(again.json().message.content).toBe("It was delivered.");
      expect(second.received.map((r) => r.headers["x-secret"])).toEqual(["second-server-token"]);
      expect(first.received).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

// ── 6. NUL characters ───────────────────────────────────────────────────────────────────────

describe("NUL characters are refused as the client's error, or dropped from history", () => {
  it("a first test-chat message with a NUL is a 400 and leaves no conversation behind", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const before = openai.requests.length;

    const res = await chat(owner.bearer, owner.wsId, agentId, "hello\u0000world");

    expectError(res, 400, "VALIDATION_FAILED");
    const db = t.app.ctx.db;
    expect(await db.select().from(conversations).where(eq(conversations.workspaceId, owner.wsId))).toEqual(
      [],
    );
    expect(await db.select().from(messages).where(eq(messages.workspaceId, owner.wsId))).toEqual([]);
    expect(openai.requests.length).toBe(before);
  });

  it("a public-API message with a NUL is a 400 and nothing is stored", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const { key } = await createApiKey(t.app, owner.bearer, owner.wsId, { name: "k" });
    const api = { headers: { authorization: `Bearer ${key}` } };
    const conv = await call(t.app, api, "POST", "/api/v1/conversations", { agentId });
    expect(conv.statusCode, conv.body).toBe(201);

    const res = await call(t.app, api, "POST", `/api/v1/conversations/${conv.json().id}/messages`, {
      content: "a\u0000b",
    });

    expect(res.statusCode, res.body).toBe(400);
    const list = await call(t.app, api, "GET", `/api/v1/conversations/${conv.json().id}/messages`);
    expect(list.json().messages).toEqual([]);
  });

  it("an agent name with a NUL is a 400, not a 500", async () => {
    const owner = await newOwner();
    const res = await call(t.app, owner.bearer, "POST", `/api/v1/workspaces/${owner.wsId}/agents`, {
      name: "Mia\u0000Bot",
      provider: "builtin",
      model: "builtin",
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).not.toBe("INTERNAL");
    expect(await t.app.ctx.db.select().from(agents).where(eq(agents.workspaceId, owner.wsId))).toEqual([]);

    const agentId = await newAgent(owner, { provider: "builtin", model: "builtin" });
    const renamed = await call(
      t.app,
      owner.bearer,
      "PATCH",
      `/api/v1/workspaces/${owner.wsId}/agents/${agentId}`,
      {
        instructions: "Be kind.\u0000",
      },
    );
    expect(renamed.statusCode, renamed.body).toBe(400);
  });

  it("conversation metadata with a NUL in a value is a 400", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const { key } = await createApiKey(t.app, owner.bearer, owner.wsId, { name: "k" });
    const api = { headers: { authorization: `Bearer ${key}` } };

    const res = await call(t.app, api, "POST", "/api/v1/conversations", {
      agentId,
      metadata: { source: "news\u0000letter" },
    });

    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).not.toBe("INTERNAL");
    expect(
      await t.app.ctx.db.select().from(conversations).where(eq(conversations.workspaceId, owner.wsId)),
    ).toEqual([]);
  });

  it("the OpenAI endpoint answers when an earlier history message holds a NUL (it is dropped)", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const { key } = await createApiKey(t.app, owner.bearer, owner.wsId, { name: "k" });
    const before = openai.requests.length;

    const res = await call(
      t.app,
      { headers: { authorization: `Bearer ${key}` } },
      "POST",
      "/v1/chat/completions",
      {
        model: agentId,
        messages: [
          { role: "user", content: "Do you sell\u0000 beans?" },
          { role: "assistant", content: "Yes, we do." },
          { role: "user", content: "Which ones?" },
        ],
      },
    );

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().choices[0].message.content).toBe("You said: Which ones?");
    const conversationId = String(res.headers["x-minichat-conversation-id"]);
    const rows = await t.app.ctx.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
      .orderBy(messages.seq);
    expect(rows.map((r) => r.content)).toEqual([
      "Do you sell beans?",
      "Yes, we do.",
      "Which ones?",
      "You said: Which ones?",
    ]);
    const sent = openai.requests[before]!.messages.filter((m) => m.role !== "system");
    expect(sent.map((m) => m.content)).toEqual(["Do you sell beans?", "Yes, we do.", "Which ones?"]);
  });
});

// ── 7. one contact per email, even when turns race ─────────────────────────────────────────

describe("contacts under concurrency", () => {
  it("ten simultaneous turns leaving the same email make one contact and ten leads", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner, { provider: "builtin", model: "builtin" });
    const db = t.app.ctx.db;

    // Two rounds with two addresses: two chances for racing turns to meet.
    for (const [round, email] of ["same@example.com", "again@example.com"].entries()) {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => chat(owner.bearer, owner.wsId, agentId, `my email is ${email}`)),
      );

      for (const res of results) {
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().message.status).toBe("complete");
        expect(res.json().error).toBeNull();
      }
      expect(new Set(results.map((r) => r.json().conversationId)).size).toBe(10);
      const rows = await db
        .select()
        .from(contacts)
        .where(and(eq(contacts.workspaceId, owner.wsId), eq(contacts.email, email)));
      expect(rows).toHaveLength(1);
      const leadRows = await db
        .select()
        .from(leads)
        .where(and(eq(leads.workspaceId, owner.wsId), eq(leads.contactId, rows[0]!.id)));
      expect(leadRows).toHaveLength(10);
      expect(await db.select().from(leads).where(eq(leads.workspaceId, owner.wsId))).toHaveLength(
        10 * (round + 1),
      );
    }
  });
});

// ── 8. a failure after a tool call still answers politely ───────────────────────────────────

describe("a model failure after a tool call", () => {
  it("the visitor gets the polite failure text, the answer is stored as failed, the lead is kept", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const before = openai.requests.length;
    openai.enqueue(
      { kind: "tools", calls: [{ name: "capture_lead", args: { name: "Ann", email: "ann@example.com" } }] },
      { kind: "error", status: 500 },
    );

    const res = await chat(owner.bearer, owner.wsId, agentId, "I'm Ann, ann@example.com, call me back");

    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.message).toMatchObject({ content: POLITE, status: "failed" });
    expect(body.error.code).toBe("MODEL_UNAVAILABLE");
    expect(openai.requests.length).toBe(before + 2); // the tool step and the failed follow-up
    const row = await messageRow(body.message.id);
    expect(row).toMatchObject({ content: POLITE, status: "failed", errorCode: "MODEL_UNAVAILABLE" });
    expect(row.toolCalls.map((c) => c.name)).toEqual(["capture_lead"]);

    const db = t.app.ctx.db;
    const [contact] = await db.select().from(contacts).where(eq(contacts.workspaceId, owner.wsId));
    expect(contact).toMatchObject({ email: "ann@example.com", name: "Ann" });
    const leadRows = await db.select().from(leads).where(eq(leads.workspaceId, owner.wsId));
    expect(leadRows).toHaveLength(1);
    expect(leadRows[0]).toMatchObject({ contactId: contact!.id, conversationId: body.conversationId });
  });
});

// ── 9 & 11. the OpenAI-compatible endpoint ─────────────────────────────────────────────────

describe("OpenAI-compatible endpoint", () => {
  it("a turn no model could answer is HTTP 502 MODEL_UNAVAILABLE, and the failed turn is stored", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const { key } = await createApiKey(t.app, owner.bearer, owner.wsId, { name: "k" });
    const api = { headers: { authorization: `Bearer ${key}` } };
    openai.setDefault({ kind: "error", status: 500 });

    const res = await call(t.app, api, "POST", "/v1/chat/completions", {
      model: agentId,
      messages: [{ role: "user", content: "Is the shop open?" }],
    });

    const error = expectError(res, 502, "MODEL_UNAVAILABLE");
    expect(res.body).not.toContain(POLITE);
    const conversationId = (error.details as { conversationId: string }).conversationId;
    expect(conversationId).toMatch(/^cnv_/);
    expect(res.headers["x-minichat-conversation-id"]).toBe(conversationId);
    const list = await call(t.app, api, "GET", `/api/v1/conversations/${conversationId}/messages`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().messages).toMatchObject([
      { role: "visitor", content: "Is the shop open?" },
      { role: "assistant", status: "failed", error: { code: "MODEL_UNAVAILABLE" } },
    ]);
  });

  it("a streamed turn no model could answer ends in an error event, not the polite text", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const { key } = await createApiKey(t.app, owner.bearer, owner.wsId, { name: "k" });
    const api = { headers: { authorization: `Bearer ${key}` } };
    openai.setDefault({ kind: "error", status: 500 });

    const res = await call(t.app, api, "POST", "/v1/chat/completions", {
      model: agentId,
      stream: true,
      messages: [{ role: "user", content: "Is the shop open?" }],
    });

    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain("Sorry");
    const frames = res.body
      .split("\n\n")
      .filter((f) => f.startsWith("data: "))
      .map((f) => f.slice(6));
    expect(frames.at(-1)).toBe("[DONE]");
    const error = JSON.parse(frames.at(-2)!);
    expect(error).toMatchObject({ error: { code: "MODEL_UNAVAILABLE", type: "server_error" } });
    expect(frames.some((f) => f.includes('"finish_reason":"stop"'))).toBe(false);
  });

  it("a browser on the app's origin may read the conversation id header (CORS)", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner, { provider: "builtin", model: "builtin" });
    const { key } = await createApiKey(t.app, owner.bearer, owner.wsId, { name: "k" });

    const res = await call(
      t.app,
      { headers: { authorization: `Bearer ${key}` } },
      "POST",
      "/v1/chat/completions",
      { model: agentId, messages: [{ role: "user", content: "Hello" }] },
      { origin: "http://localhost:3000" },
    );

    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
    expect(res.headers["x-minichat-conversation-id"]).toMatch(/^cnv_/);
    const exposed = String(res.headers["access-control-expose-headers"] ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase());
    expect(exposed).toContain("x-minichat-conversation-id");
  });
});

// ── 12. no raw error texts on stored messages ───────────────────────────────────────────────

describe("a failing custom action", () => {
  it("stores our own words for the failure, never the raw network error or a header value", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const port = await closedPort();
    const secret = "Bearer closed-port-secret-777";
    await createAction(owner, agentId, {
      name: "ping_crm",
      description: "Tell the CRM about the visitor",
      method: "POST",
      url: `http://127.0.0.1:${port}/crm`,
      headers: { Authorization: secret },
    });
    const before = openai.requests.length;
    openai.enqueue(
      { kind: "tools", calls: [{ name: "ping_crm", args: {} }] },
      { kind: "text", text: "I could not reach the CRM." },
    );

    const res = await chat(owner.bearer, owner.wsId, agentId, "Tell the CRM I called");

    expect(res.statusCode, res.body).toBe(200);
    const row = await messageRow(res.json().message.id);
    expect(row.toolCalls).toMatchObject([
      {
        name: "ping_crm",
        output: { ok: false, error: "The ping_crm action failed: the request could not be completed" },
      },
    ]);
    expect(JSON.stringify(row)).not.toContain("closed-port-secret-777");
    const toolMsg = openai.requests[before + 1]!.messages.find((m) => m.role === "tool");
    expect(toolMsg?.content).toContain("the request could not be completed");
    expect(toolMsg?.content).not.toContain("closed-port-secret-777");
  });
});

// ── tenant isolation ────────────────────────────────────────────────────────────────────────

describe("tenant isolation", () => {
  it("another workspace cannot move a workspace's action or provider, nor learn of them", async () => {
    const target = await startRecorder();
    try {
      const owner = await newOwner();
      const agentId = await newAgent(owner);
      const action = await createAction(owner, agentId, {
        name: "check_order",
        description: "Look up an order",
        url: `${target.url}/orders`,
        headers: { "X-Secret": "owner-token" },
      });
      const saved = await call(t.app, owner.bearer, "PUT", providerUrl(owner.wsId), {
        apiKey: openai.apiKey,
        baseUrl: openai.url,
      });
      expect(saved.statusCode, saved.body).toBe(200);

      const stranger = await newOwner(t.app, "Stranger's shop");
      const { key } = await createApiKey(t.app, stranger.bearer, stranger.wsId, { name: "k" });
      const strangerKey = { headers: { authorization: `Bearer ${key}` } };

      const patch = await call(
        t.app,
        stranger.bearer,
        "PATCH",
        `${actionsUrl(owner, agentId)}/${action.id}`,
        {
          url: `${target.url}/stolen`,
          headers: { "X-Secret": "stranger-token" },
        },
      );
      expectError(patch, 404);
      expect(patch.body).not.toContain("owner-token");
      expectError(await call(t.app, strangerKey, "GET", actionsUrl(owner, agentId)), 404);
      expectError(
        await call(t.app, stranger.bearer, "PUT", providerUrl(owner.wsId), { baseUrl: `${target.url}/v1` }),
        404,
      );
      expectError(await chat(stranger.bearer, owner.wsId, agentId, "hi\u0000"), 404);
      expect(target.received).toEqual([]);

      const list = await call(t.app, owner.bearer, "GET", actionsUrl(owner, agentId));
      expect(list.json().actions[0]).toMatchObject({ url: `${target.url}/orders` });
      const catalogue = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${owner.wsId}/providers`);
      const entry = catalogue.json().providers.find((p: { id: string }) => p.id === "openai");
      expect(entry).toMatchObject({ source: "workspace", baseUrl: openai.url });
    } finally {
      await target.close();
    }
  });
});
