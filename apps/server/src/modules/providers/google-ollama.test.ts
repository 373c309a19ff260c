import { eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeGoogle, startFakeOllama } from "../../../test/fake-llm.ts";
import {
  type Caller,
  call,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { contacts, leads, messages } from "../../db/schema/index.ts";

// Google Gemini (@ai-sdk/google) and Ollama (ollama-ai-provider-v2) end to end: the platform's
// env configuration and a workspace's own credentials reach the provider packages, which talk to
// local fakes of the real APIs (Gemini's generateContent + SSE, Ollama's /api/chat + NDJSON).
// What a member notices: the answer and its usage, the agent's instructions in the prompt, the
// credential check on save, the Ollama server's models in the catalogue, and whose server answers.

const RATE = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" };
const WS_GOOGLE_KEY = "AIzaSyWorkspaceOwnKey-0a1b2c3d4e5f6a7b8c9";
const POLITE = "Sorry, I can't answer right now. Please try again in a moment.";

let platformGoogle: FakeLlmServer;
let platformOllama: FakeLlmServer;
let t: TestApp;

beforeAll(async () => {
  platformGoogle = await startFakeGoogle();
  platformOllama = await startFakeOllama();
  t = await createTestApp({
    env: {
      ...RATE,
      GOOGLE_GENERATIVE_AI_API_KEY: platformGoogle.apiKey,
      GOOGLE_BASE_URL: platformGoogle.url,
      OLLAMA_BASE_URL: platformOllama.url,
      // Workspace servers below live on 127.0.0.1 too.
      ALLOW_PRIVATE_URLS: "127.0.0.1",
      LLM_MAX_RETRIES: "1",
      LLM_BREAKER_THRESHOLD: "1000",
    },
  });
});
afterAll(async () => {
  await t?.close();
  await platformGoogle?.close();
  await platformOllama?.close();
});

// ── helpers ────────────────────────────────────────────────────────────────────────────────

type Owner = SignedUp & { wsId: string };
type Turn = {
  conversationId: string;
  message: { id: string; content: string; status: string } | null;
  usage: {
    provider: string;
    model: string;
    modelLabel: string;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
  } | null;
  error: { code: string } | null;
};

const agentsUrl = (wsId: string) => `/api/v1/workspaces/${wsId}/agents`;
const providersUrl = (wsId: string, provider = "") =>
  `/api/v1/workspaces/${wsId}/providers${provider ? `/${provider}` : ""}`;

async function newOwner(name = "Baan Thai Kitchen"): Promise<Owner> {
  const u = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer, name);
  return { ...u, wsId: ws.id };
}

async function newAgent(
  who: Owner,
  provider: string,
  model: string,
  instructions: string,
  extra: Record<string, unknown> = {},
) {
  const res = await call(t.app, who.bearer, "POST", agentsUrl(who.wsId), {
    name: "Nok",
    provider,
    model,
    instructions,
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

function chat(
  who: Caller,
  wsId: string,
  agentId: string,
  message: string,
  opts: { sse?: boolean; conversationId?: string } = {},
): Promise<LightMyRequestResponse> {
  return call(
    t.app,
    who,
    "POST",
    `${agentsUrl(wsId)}/${agentId}/chat`,
    { message, ...(opts.conversationId ? { conversationId: opts.conversationId } : {}) },
    opts.sse ? { accept: "text/event-stream" } : {},
  );
}

function parseSse(body: string): { event: string; data: unknown }[] {
  const out: { event: string; data: unknown }[] = [];
  for (const frame of body.split("\n\n")) {
    if (!frame.trim()) continue;
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

/** The turn's result, from the JSON body or the SSE `done` event (with the streamed tokens). */
function turnOf(res: LightMyRequestResponse, sse: boolean): { turn: Turn; tokens: string[] } {
  expect(res.statusCode, res.body).toBe(200);
  if (!sse) return { turn: res.json() as Turn, tokens: [] };
  expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
  const evts = parseSse(res.body);
  expect(evts.some((e) => e.event === "error")).toBe(false);
  const done = evts.at(-1)!;
  expect(done.event).toBe("done");
  const tokens = evts.filter((e) => e.event === "token").map((e) => (e.data as { text: string }).text);
  return { turn: done.data as Turn, tokens };
}

async function storedContent(messageId: string) {
  const [row] = await t.app.ctx.db.select().from(messages).where(eq(messages.id, messageId));
  return row?.content;
}

async function catalogueEntry(who: Caller, wsId: string, provider: string) {
  const res = await call(t.app, who, "GET", providersUrl(wsId));
  expect(res.statusCode, res.body).toBe(200);
  return res.json().providers.find((p: { id: string }) => p.id === provider) as {
    configured: boolean;
    source: string | null;
    keyHint: string | null;
    baseUrl: string | null;
    models: { id: string }[];
  };
}

const systemOf = (req: FakeLlmServer["requests"][number]) =>
  req.messages.find((m) => m.role === "system")?.content ?? "";

// ── platform configuration (env) ───────────────────────────────────────────────────────────

type Case = {
  provider: "google" | "ollama";
  model: string;
  fake: () => FakeLlmServer;
  /** USD per million tokens in the default price table. */
  price: { input: number; output: number };
  /**
   * Checks the request the provider package sent: a streamed turn asks for a stream, a JSON turn
   * for one plain completion.
   */
  wire: (req: FakeLlmServer["requests"][number], fake: FakeLlmServer, streamed: boolean) => void;
  /** Checks that the agent's temperature and token limit are where the real API reads them. */
  settings: (req: FakeLlmServer["requests"][number], s: { temperature: number; maxTokens: number }) => void;
};

const cases: Case[] = [
  {
    provider: "google",
    model: "gemini-2.0-flash",
    fake: () => platformGoogle,
    price: { input: 0.1, output: 0.4 },
    wire: (req, fake, streamed) => {
      expect(req.path).toBe(
        streamed
          ? "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"
          : "/v1beta/models/gemini-2.0-flash:generateContent",
      );
      expect(req.headers["x-goog-api-key"]).toBe(fake.apiKey);
      // The system prompt travels as Gemini's systemInstruction, not as a user turn.
      expect(req.body.systemInstruction).toBeDefined();
      expect(req.body.contents[0].role).toBe("user");
    },
    settings: (req, s) => {
      expect(req.body.generationConfig).toMatchObject({
        temperature: s.temperature,
        maxOutputTokens: s.maxTokens,
      });
    },
  },
  {
    provider: "ollama",
    model: "llama3.2",
    fake: () => platformOllama,
    price: { input: 0, output: 0 },
    wire: (req, _fake, streamed) => {
      expect(req.path).toBe("/api/chat");
      expect(req.body).toMatchObject({ model: "llama3.2", stream: streamed });
      expect(req.headers.authorization).toBeUndefined();
    },
    // Ollama's /api/chat reads sampling settings only from "options" (temperature, num_predict);
    // unknown top-level fields are ignored by the server.
    settings: (req, s) => {
      expect(req.body.options).toMatchObject({ temperature: s.temperature, num_predict: s.maxTokens });
    },
  },
];

describe.each(cases)("$provider configured for the platform (env)", (c) => {
  it.each([
    ["JSON", false],
    ["SSE", true],
  ])("answers a test-chat turn (%s) with the model's text and usage", async (_mode, sse) => {
    const owner = await newOwner();
    const instructions = `You are Nok, the ${c.provider} host of Baan Thai Kitchen. Recommend the green curry.`;
    const agentId = await newAgent(owner, c.provider, c.model, instructions);
    const text = `Our green curry is the favourite, says ${c.provider}.`;
    const fake = c.fake();
    fake.enqueue({ kind: "text", text, usage: { input: 120, output: 9 } });
    const before = fake.requests.length;

    const res = await chat(owner.bearer, owner.wsId, agentId, "What should I order?", { sse });

    const { turn, tokens } = turnOf(res, sse);
    if (sse) {
      expect(tokens.length).toBeGreaterThan(1);
      expect(tokens.join("")).toBe(text);
    }
    expect(turn.message).toMatchObject({ content: text, status: "complete" });
    expect(turn.error).toBeNull();
    expect(turn.usage).toMatchObject({
      provider: c.provider,
      model: c.model,
      inputTokens: 120,
      outputTokens: 9,
    });
    expect(turn.usage!.costUsd).toBeCloseTo((120 * c.price.input + 9 * c.price.output) / 1_000_000, 12);
    expect(await storedContent(turn.message!.id)).toBe(text);

    expect(fake.requests.length).toBe(before + 1);
    const req = fake.requests[before]!;
    c.wire(req, fake, sse);
    expect(req.messages[0]!.role).toBe("system");
    expect(systemOf(req)).toContain(instructions);
    expect(req.messages.at(-1)).toEqual({ role: "user", content: "What should I order?" });
  });

  it("applies the agent's temperature and max tokens where the provider's API reads them", async () => {
    const owner = await newOwner();
    const settings = { temperature: 0.7, maxTokens: 256 };
    const agentId = await newAgent(owner, c.provider, c.model, "Answer briefly.", settings);
    const fake = c.fake();
    const before = fake.requests.length;

    const { turn } = turnOf(await chat(owner.bearer, owner.wsId, agentId, "Hi"), false);

    expect(turn.message?.status).toBe("complete");
    c.settings(fake.requests[before]!, settings);
  });

  it("runs a capture_lead tool call over two model requests and stores the lead", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner, c.provider, c.model, "Collect contact details.");
    const fake = c.fake();
    const before = fake.requests.length;
    fake.enqueue(
      {
        kind: "tools",
        calls: [{ name: "capture_lead", args: { name: "Somchai", email: "Somchai@Example.com" } }],
      },
      { kind: "text", text: "Thanks Somchai, we will email you." },
    );

    const { turn } = turnOf(
      await chat(owner.bearer, owner.wsId, agentId, "I'm Somchai, somchai@example.com", { sse: true }),
      true,
    );

    expect(turn.message).toMatchObject({ content: "Thanks Somchai, we will email you.", status: "complete" });
    expect(fake.requests.length).toBe(before + 2);
    expect(fake.requests[before]!.toolNames).toEqual(
      expect.arrayContaining(["capture_lead", "handoff_to_human"]),
    );
    const toolResults = fake.requests[before + 1]!.messages.filter((m) => m.role === "tool");
    expect(toolResults).toHaveLength(1);
    expect(JSON.parse(toolResults[0]!.content)).toMatchObject({ saved: true });
    const contactRows = await t.app.ctx.db
      .select()
      .from(contacts)
      .where(eq(contacts.workspaceId, owner.wsId));
    expect(contactRows).toMatchObject([{ name: "Somchai", email: "somchai@example.com" }]);
    const leadRows = await t.app.ctx.db.select().from(leads).where(eq(leads.workspaceId, owner.wsId));
    expect(leadRows).toMatchObject([{ conversationId: turn.conversationId, agentId }]);
  });

  it("sends the conversation's history on the next turn, the earlier answer as the assistant's", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner, c.provider, c.model, "Answer briefly.");
    const fake = c.fake();
    fake.enqueue({ kind: "text", text: "We open at 11am." }, { kind: "text", text: "Yes, until 10pm." });
    const first = turnOf(await chat(owner.bearer, owner.wsId, agentId, "When do you open?"), false).turn;
    const before = fake.requests.length;

    const second = turnOf(
      await chat(owner.bearer, owner.wsId, agentId, "Also on Sundays?", {
        conversationId: first.conversationId,
      }),
      false,
    ).turn;

    expect(second.message?.content).toBe("Yes, until 10pm.");
    expect(fake.requests[before]!.messages.filter((m) => m.role !== "system")).toEqual([
      { role: "user", content: "When do you open?" },
      { role: "assistant", content: "We open at 11am." },
      { role: "user", content: "Also on Sundays?" },
    ]);
  });
});

describe("provider failures reach the visitor as the polite failure", () => {
  it("Gemini keeps answering 503 UNAVAILABLE: retried, then failed with MODEL_UNAVAILABLE", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner, "google", "gemini-2.5-flash", "Answer briefly.");
    const before = platformGoogle.requests.length;
    platformGoogle.enqueue({ kind: "error", status: 503 }, { kind: "error", status: 503 });

    const { turn } = turnOf(await chat(owner.bearer, owner.wsId, agentId, "Hello?"), false);

    expect(turn.message).toMatchObject({ content: POLITE, status: "failed" });
    expect(turn.error?.code).toBe("MODEL_UNAVAILABLE");
    expect(platformGoogle.requests.length).toBe(before + 2); // first attempt + LLM_MAX_RETRIES=1
  });

  it("an Ollama model the server has not pulled (404) fails at once, without retries", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner, "ollama", "mistral-nemo", "Answer briefly.");
    const before = platformOllama.requests.length;

    const { turn } = turnOf(await chat(owner.bearer, owner.wsId, agentId, "Hello?", { sse: true }), true);

    expect(turn.message).toMatchObject({ content: POLITE, status: "failed" });
    expect(turn.error?.code).toBe("MODEL_UNAVAILABLE");
    expect(platformOllama.requests.length).toBe(before + 1);
    expect(platformOllama.requests[before]!.body.model).toBe("mistral-nemo");
  });
});

// ── workspace credentials ──────────────────────────────────────────────────────────────────

describe("a workspace's own Google key and Ollama server", () => {
  let wsGoogle: FakeLlmServer;
  let wsOllama: FakeLlmServer;
  beforeAll(async () => {
    wsGoogle = await startFakeGoogle({ apiKey: WS_GOOGLE_KEY });
    // gemma2 has no tool support in Ollama's registry: requests that declare tools get a 400.
    wsOllama = await startFakeOllama({
      models: ["gpt-oss:20b", "llama3.2:latest", "gemma2:2b"],
      withoutTools: ["gemma2:2b"],
    });
  });
  afterAll(async () => {
    await wsGoogle?.close();
    await wsOllama?.close();
  });

  it("Google: the key is checked against the workspace's server on save, a wrong key is refused", async () => {
    const owner = await newOwner();

    const wrong = await call(t.app, owner.bearer, "PUT", providersUrl(owner.wsId, "google"), {
      apiKey: "AIzaSyNotTheRightKey-ffffffffffffffffffff",
      baseUrl: wsGoogle.url,
    });
    expectError(wrong, 422, "PROVIDER_CHECK_FAILED");
    expect((await catalogueEntry(owner.bearer, owner.wsId, "google")).source).toBe("platform");

    const saved = await call(t.app, owner.bearer, "PUT", providersUrl(owner.wsId, "google"), {
      apiKey: WS_GOOGLE_KEY,
      baseUrl: wsGoogle.url,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      id: "google",
      configured: true,
      source: "workspace",
      baseUrl: wsGoogle.url,
    });
    expect(saved.json().keyHint).toMatch(/…/);
    expect(saved.body).not.toContain(WS_GOOGLE_KEY);
  });

  it("Google: a wrong key is reported as a rejected key, not as an unexplained HTTP 400", async () => {
    // Gemini answers an invalid key with 400 INVALID_ARGUMENT / reason API_KEY_INVALID, not 401.
    const owner = await newOwner();

    const wrong = await call(t.app, owner.bearer, "PUT", providersUrl(owner.wsId, "google"), {
      apiKey: "AIzaSyNotTheRightKey-ffffffffffffffffffff",
      baseUrl: wsGoogle.url,
    });

    const error = expectError(wrong, 422, "PROVIDER_CHECK_FAILED");
    expect(error.message).toMatch(/rejected the API key/);
  });

  it("Google: the workspace's key and server answer its agents; the platform's are not used", async () => {
    const owner = await newOwner();
    const saved = await call(t.app, owner.bearer, "PUT", providersUrl(owner.wsId, "google"), {
      apiKey: WS_GOOGLE_KEY,
      baseUrl: wsGoogle.url,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const agentId = await newAgent(owner, "google", "gemini-2.5-flash", "You are Nok of the workspace.");
    wsGoogle.enqueue({
      kind: "text",
      text: "Answered with the workspace's key.",
      usage: { input: 40, output: 6 },
    });
    const beforeWs = wsGoogle.requests.length;
    const beforePlatform = platformGoogle.requests.length;

    const { turn } = turnOf(await chat(owner.bearer, owner.wsId, agentId, "Hi", { sse: true }), true);

    expect(turn.message?.content).toBe("Answered with the workspace's key.");
    expect(turn.usage).toMatchObject({ provider: "google", inputTokens: 40, outputTokens: 6 });
    expect(wsGoogle.requests.length).toBe(beforeWs + 1);
    expect(platformGoogle.requests.length).toBe(beforePlatform);
    const req = wsGoogle.requests[beforeWs]!;
    expect(req.headers["x-goog-api-key"]).toBe(WS_GOOGLE_KEY);
    expect(req.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(systemOf(req)).toContain("You are Nok of the workspace.");
  });

  it("Ollama: the server's pulled models are offered in the catalogue and its agents are answered there", async () => {
    const owner = await newOwner();
    const saved = await call(t.app, owner.bearer, "PUT", providersUrl(owner.wsId, "ollama"), {
      baseUrl: wsOllama.url,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      id: "ollama",
      configured: true,
      source: "workspace",
      baseUrl: wsOllama.url,
    });
    const entry = await catalogueEntry(owner.bearer, owner.wsId, "ollama");
    expect(entry.models.map((m) => m.id)).toEqual(expect.arrayContaining(["gpt-oss:20b", "llama3.2:latest"]));

    const agentId = await newAgent(owner, "ollama", "gpt-oss:20b", "You are the self-hosted Nok.");
    wsOllama.enqueue({ kind: "text", text: "Served by your own Ollama.", usage: { input: 33, output: 5 } });
    const beforeWs = wsOllama.requests.length;
    const beforePlatform = platformOllama.requests.length;

    const { turn } = turnOf(await chat(owner.bearer, owner.wsId, agentId, "Hi"), false);

    expect(turn.message?.content).toBe("Served by your own Ollama.");
    expect(turn.usage).toMatchObject({
      provider: "ollama",
      model: "gpt-oss:20b",
      inputTokens: 33,
      outputTokens: 5,
    });
    expect(turn.usage!.costUsd).toBe(0);
    expect(wsOllama.requests.length).toBe(beforeWs + 1);
    expect(platformOllama.requests.length).toBe(beforePlatform);
    const req = wsOllama.requests[beforeWs]!;
    expect(req.body.model).toBe("gpt-oss:20b");
    expect(systemOf(req)).toContain("You are the self-hosted Nok.");
  });

  it("Ollama: a listed model without tool support still answers the visitor", async () => {
    // The catalogue offers every model the server lists, but Ollama refuses any request that
    // declares tools for a model whose template has none ("gemma2:2b does not support tools").
    const owner = await newOwner();
    const saved = await call(t.app, owner.bearer, "PUT", providersUrl(owner.wsId, "ollama"), {
      baseUrl: wsOllama.url,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().models.map((m: { id: string }) => m.id)).toContain("gemma2:2b");
    const agentId = await newAgent(owner, "ollama", "gemma2:2b", "Answer briefly.");
    wsOllama.setDefault({ kind: "text", text: "Hello from gemma." });

    try {
      const { turn } = turnOf(await chat(owner.bearer, owner.wsId, agentId, "Hi"), false);

      expect(turn.error).toBeNull();
      expect(turn.message).toMatchObject({ content: "Hello from gemma.", status: "complete" });
    } finally {
      wsOllama.setDefault(null);
    }
  });

  it("Ollama: a URL that is not the server's API (no /api) fails the check and is not saved", async () => {
    const owner = await newOwner();
    const root = wsOllama.url.replace(/\/api$/, "");

    const res = await call(t.app, owner.bearer, "PUT", providersUrl(owner.wsId, "ollama"), { baseUrl: root });

    expectError(res, 422, "PROVIDER_CHECK_FAILED");
    expect((await catalogueEntry(owner.bearer, owner.wsId, "ollama")).source).toBe("platform");
  });

  it("another workspace cannot see, change or use a workspace's providers and agents", async () => {
    const owner = await newOwner("Owner's kitchen");
    const saved = await call(t.app, owner.bearer, "PUT", providersUrl(owner.wsId, "ollama"), {
      baseUrl: wsOllama.url,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const agentId = await newAgent(owner, "ollama", "gpt-oss:20b", "Private instructions.");
    const stranger = await newOwner("Stranger's kitchen");
    const beforeWs = wsOllama.requests.length;

    expectError(await call(t.app, stranger.bearer, "GET", providersUrl(owner.wsId)), 404);
    expectError(
      await call(t.app, stranger.bearer, "PUT", providersUrl(owner.wsId, "ollama"), {
        baseUrl: platformOllama.url,
      }),
      404,
    );
    expectError(await call(t.app, stranger.bearer, "DELETE", providersUrl(owner.wsId, "ollama")), 404);
    const probe = await chat(stranger.bearer, owner.wsId, agentId, "Hi");
    expectError(probe, 404);
    expect(probe.body).not.toContain("Private instructions.");
    expect(wsOllama.requests.length).toBe(beforeWs);

    // The stranger's own workspace still sees the platform's Ollama, not the other one's server.
    const theirs = await catalogueEntry(stranger.bearer, stranger.wsId, "ollama");
    expect(theirs).toMatchObject({ source: "platform", baseUrl: null });
    expect(theirs.models.map((m) => m.id)).not.toContain("gpt-oss:20b");
    expect((await catalogueEntry(owner.bearer, owner.wsId, "ollama")).baseUrl).toBe(wsOllama.url);
  });
});
