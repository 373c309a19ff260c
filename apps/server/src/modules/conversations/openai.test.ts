import OpenAI, {
  type APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
} from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeOpenAI } from "../../../test/fake-llm.ts";
import {
  type Caller,
  call,
  createApiKey,
  createTestApp,
  createWorkspace,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";

// The OpenAI-compatible endpoint, driven by the official `openai` npm client exactly as a
// customer would use it: a real port, baseURL ".../v1", a MiniChat API key as the apiKey.

const CONVERSATION_HEADER = "x-minichat-conversation-id";
const AGENT_RULE = "Always greet the customer as 'dear coffee lover'.";
const HOURS = "We are open every day from 8am to 6pm.";

let t: TestApp;
let fake: FakeLlmServer;
let baseURL: string;
let owner: SignedUp;
let wsId: string;
let apiKey: string;
let builtinAgentId: string;
let modelAgentId: string;
let otherWsKey: string;
let otherAgentId: string;

const bearer = (key: string): Caller => ({ headers: { authorization: `Bearer ${key}` } });

/** A client as a customer would configure it; no retries, so errors surface at once. */
function client(key = apiKey) {
  return new OpenAI({ baseURL, apiKey: key, maxRetries: 0 });
}

async function createAgent(who: Caller, workspaceId: string, body: Record<string, unknown>) {
  const res = await call(t.app, who, "POST", `/api/v1/workspaces/${workspaceId}/agents`, body);
  if (res.statusCode !== 201) throw new Error(`create agent failed: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

/** The conversation's stored messages, read back through the public API. */
async function storedMessages(conversationId: string, key = apiKey) {
  const res = await call(t.app, bearer(key), "GET", `/api/v1/conversations/${conversationId}/messages`);
  expect(res.statusCode).toBe(200);
  return res.json().messages as { role: string; content: string; status: string }[];
}

/** Runs `fn`, which must throw; returns what it threw. */
async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

/** A typed client error whose message is a sentence, not a JSON dump or a status-only stub. */
function expectHumanMessage(err: unknown, status: number) {
  const e = err as APIError;
  expect(e.status).toBe(status);
  expect(e.message).toMatch(new RegExp(`^${status} [A-Z]`));
  expect(e.message).not.toContain("{");
  expect(e.message).not.toMatch(/status code \(no body\)/);
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
  t = await createTestApp({
    env: {
      OPENAI_API_KEY: fake.apiKey,
      OPENAI_BASE_URL: fake.url,
      AUTH_RATE_LIMIT_MAX: "10000",
      RATE_LIMIT_MAX: "10000",
    },
  });
  const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
  baseURL = `${address}/v1`;

  owner = await signUp(t.app);
  wsId = (await createWorkspace(t.app, owner.bearer, "Bean There")).id;
  builtinAgentId = await createAgent(owner.bearer, wsId, {
    name: "Hours Helper",
    provider: "builtin",
    model: "builtin",
    quickAnswers: [{ question: "What are your opening hours?", answer: HOURS }],
  });
  modelAgentId = await createAgent(owner.bearer, wsId, {
    name: "Barista Bot",
    provider: "openai",
    model: "gpt-4o-mini",
    instructions: AGENT_RULE,
  });
  apiKey = (await createApiKey(t.app, owner.bearer, wsId, { name: "sdk" })).key;

  const stranger = await signUp(t.app);
  const otherWs = (await createWorkspace(t.app, stranger.bearer, "Tea Time")).id;
  otherAgentId = await createAgent(stranger.bearer, otherWs, {
    name: "Tea Bot",
    provider: "builtin",
    model: "builtin",
  });
  otherWsKey = (await createApiKey(t.app, stranger.bearer, otherWs, { name: "other" })).key;
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
});

beforeEach(() => {
  fake.setDefault(null);
});

describe("GET /v1/models", () => {
  it("lists the workspace's agents as models", async () => {
    const models = [];
    for await (const m of client().models.list()) models.push(m);
    expect(models.map((m) => m.id).sort()).toEqual([builtinAgentId, modelAgentId].sort());
    for (const m of models) {
      expect(m.object).toBe("model");
      expect(m.owned_by).toBe("minichat");
      expect(typeof m.created).toBe("number");
    }
    expect(models.find((m) => m.id === modelAgentId)).toMatchObject({ name: "Barista Bot" });
  });

  it("refuses a key without agents:read with PermissionDeniedError", async () => {
    const { key } = await createApiKey(t.app, owner.bearer, wsId, {
      name: "writer only",
      scopes: ["conversations:write"],
    });
    const err = await failure(() => client(key).models.list());
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expectHumanMessage(err, 403);
  });
});

describe("POST /v1/chat/completions: non-streaming", () => {
  it("answers with a builtin agent from its quick answers and stores the conversation", async () => {
    const { data: completion, response } = await client()
      .chat.completions.create({
        model: builtinAgentId,
        messages: [{ role: "user", content: "What are your opening hours?" }],
      })
      .withResponse();
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe(builtinAgentId);
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]!.message.role).toBe("assistant");
    expect(completion.choices[0]!.message.content).toContain(HOURS);
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

    const conversationId = response.headers.get(CONVERSATION_HEADER);
    expect(conversationId).toMatch(/^cnv_/);
    const stored = await storedMessages(conversationId!);
    expect(stored.map((m) => m.role)).toEqual(["visitor", "assistant"]);
    expect(stored[0]!.content).toBe("What are your opening hours?");
    expect(stored[1]!.content).toContain(HOURS);
  });

  it("answers with a model agent and reports the model's usage", async () => {
    fake.enqueue({ kind: "text", text: "Espresso is our best seller.", usage: { input: 42, output: 7 } });
    const completion = await client().chat.completions.create({
      model: modelAgentId,
      messages: [{ role: "user", content: "What should I order?" }],
    });
    expect(completion.choices[0]!.message.content).toBe("Espresso is our best seller.");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage).toEqual({ prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 });
    expect(fake.requests.at(-1)!.body.model).toBe("gpt-4o-mini");
  });
});

describe("POST /v1/chat/completions: streaming", () => {
  it("streams the answer as chunks and ends with a usage chunk when asked", async () => {
    fake.enqueue({
      kind: "text",
      text: "A flat white is espresso with steamed milk.",
      usage: { input: 30, output: 11 },
      chunkSize: 5,
    });
    const { data: stream, response } = await client()
      .chat.completions.create({
        model: modelAgentId,
        messages: [{ role: "user", content: "What is a flat white?" }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const conversationId = response.headers.get(CONVERSATION_HEADER);
    expect(conversationId).toMatch(/^cnv_/);

    let text = "";
    let deltas = 0;
    const finishReasons: (string | null)[] = [];
    const usages: unknown[] = [];
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      expect(chunk.model).toBe(modelAgentId);
      for (const choice of chunk.choices) {
        if (choice.delta.content) {
          text += choice.delta.content;
          deltas++;
        }
        if (choice.finish_reason) finishReasons.push(choice.finish_reason);
      }
      if (chunk.usage) usages.push({ ...chunk.usage, choices: chunk.choices.length });
    }
    expect(text).toBe("A flat white is espresso with steamed milk.");
    expect(deltas).toBeGreaterThan(1);
    expect(finishReasons).toEqual(["stop"]);
    expect(usages).toEqual([{ prompt_tokens: 30, completion_tokens: 11, total_tokens: 41, choices: 0 }]);

    const stored = await storedMessages(conversationId!);
    expect(stored.at(-1)).toMatchObject({
      role: "assistant",
      content: "A flat white is espresso with steamed milk.",
      status: "complete",
    });
  });

  it("streams a builtin agent's answer without a usage chunk unless asked", async () => {
    const stream = await client().chat.completions.create({
      model: builtinAgentId,
      messages: [{ role: "user", content: "What are your opening hours?" }],
      stream: true,
    });
    let text = "";
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usageChunks++;
    }
    expect(text).toContain(HOURS);
    expect(usageChunks).toBe(0);
  });
});

describe("POST /v1/chat/completions: prompt and history", () => {
  it("applies the agent's instructions and passes a client system message as lower-priority instructions", async () => {
    await client().chat.completions.create({
      model: modelAgentId,
      messages: [
        { role: "system", content: "Answer in exactly one sentence." },
        { role: "user", content: "Do you sell decaf?" },
      ],
    });
    const sent = fake.requests.at(-1)!;
    const systems = sent.messages.filter((m) => m.role === "system");
    expect(systems).toHaveLength(1);
    const system = systems[0]!.content;
    expect(system).toContain(AGENT_RULE);
    expect(system).toContain("Answer in exactly one sentence.");
    // The business's rules come first; the caller's are labelled as lower priority.
    expect(system.indexOf(AGENT_RULE)).toBeLessThan(system.indexOf("Answer in exactly one sentence."));
    expect(system).toMatch(/lower priority/i);
    // The caller's system text is not smuggled in as a conversation turn.
    expect(sent.messages.filter((m) => m.role !== "system").map((m) => m.content)).toEqual([
      "Do you sell decaf?",
    ]);
  });

  it("sends the client's previous user and assistant messages to the model and stores them", async () => {
    const { response } = await client()
      .chat.completions.create({
        model: modelAgentId,
        messages: [
          { role: "user", content: "Hi, my name is Ana." },
          { role: "assistant", content: "Nice to meet you, Ana!" },
          { role: "user", content: "What is my name?" },
        ],
      })
      .withResponse();
    const sent = fake.requests.at(-1)!;
    expect(sent.messages.filter((m) => m.role !== "system")).toEqual([
      { role: "user", content: "Hi, my name is Ana." },
      { role: "assistant", content: "Nice to meet you, Ana!" },
      { role: "user", content: "What is my name?" },
    ]);
    const stored = await storedMessages(response.headers.get(CONVERSATION_HEADER)!);
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ["visitor", "Hi, my name is Ana."],
      ["assistant", "Nice to meet you, Ana!"],
      ["visitor", "What is my name?"],
      ["assistant", "You said: What is my name?"],
    ]);
  });

  it("accepts content as text parts and a developer message, as newer clients send them", async () => {
    const completion = await client().chat.completions.create({
      model: modelAgentId,
      messages: [
        { role: "developer", content: [{ type: "text", text: "Mention our loyalty card." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "Any discounts" },
            { type: "text", text: "for students?" },
          ],
        },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe("You said: Any discounts\nfor students?");
    const sent = fake.requests.at(-1)!;
    expect(sent.messages[0]!.role).toBe("system");
    expect(sent.messages[0]!.content).toContain("Mention our loyalty card.");
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: "Any discounts\nfor students?" });
  });

  it("continues a conversation sent back in the x-minichat-conversation-id header", async () => {
    fake.enqueue({ kind: "text", text: "Oat milk is 20 baht extra." });
    const first = await client()
      .chat.completions.create({
        model: modelAgentId,
        messages: [{ role: "user", content: "How much is oat milk?" }],
      })
      .withResponse();
    const conversationId = first.response.headers.get(CONVERSATION_HEADER)!;
    expect(conversationId).toMatch(/^cnv_/);

    fake.enqueue({ kind: "text", text: "Yes, almond milk too." });
    const second = await client()
      .chat.completions.create(
        { model: modelAgentId, messages: [{ role: "user", content: "Do you have almond milk?" }] },
        { headers: { [CONVERSATION_HEADER]: conversationId } },
      )
      .withResponse();
    expect(second.data.choices[0]!.message.content).toBe("Yes, almond milk too.");
    expect(second.response.headers.get(CONVERSATION_HEADER)).toBe(conversationId);

    // The model saw the earlier turn from the stored conversation.
    expect(fake.requests.at(-1)!.messages.filter((m) => m.role !== "system")).toEqual([
      { role: "user", content: "How much is oat milk?" },
      { role: "assistant", content: "Oat milk is 20 baht extra." },
      { role: "user", content: "Do you have almond milk?" },
    ]);
    const stored = await storedMessages(conversationId);
    expect(stored.map((m) => m.content)).toEqual([
      "How much is oat milk?",
      "Oat milk is 20 baht extra.",
      "Do you have almond milk?",
      "Yes, almond milk too.",
    ]);
  });

  it("refuses to continue a conversation under a different agent (404)", async () => {
    const first = await client()
      .chat.completions.create({ model: builtinAgentId, messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    const conversationId = first.response.headers.get(CONVERSATION_HEADER)!;
    const err = await failure(() =>
      client().chat.completions.create(
        { model: modelAgentId, messages: [{ role: "user", content: "Hello again" }] },
        { headers: { [CONVERSATION_HEADER]: conversationId } },
      ),
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expectHumanMessage(err, 404);
  });
});

describe("POST /v1/chat/completions: errors as the client's typed errors", () => {
  it("unknown model → NotFoundError that points at /v1/models", async () => {
    const err = await failure(() =>
      client().chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "Hi" }],
      }),
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expectHumanMessage(err, 404);
    expect((err as NotFoundError).message).toContain("gpt-4o");
    expect((err as NotFoundError).message).toContain("/v1/models");
    expect((err as NotFoundError).code).toBe("NOT_FOUND");
  });

  it("unknown model with stream: true → NotFoundError before any stream opens", async () => {
    const err = await failure(() =>
      client().chat.completions.create({
        model: "agt_doesnotexist",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      }),
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expectHumanMessage(err, 404);
  });

  it("wrong API key → AuthenticationError", async () => {
    const err = await failure(() =>
      client("mck_not_a_real_key_at_all_000000000000").chat.completions.create({
        model: builtinAgentId,
        messages: [{ role: "user", content: "Hi" }],
      }),
    );
    expect(err).toBeInstanceOf(AuthenticationError);
    expectHumanMessage(err, 401);
  });

  it("key without conversations:write → PermissionDeniedError naming the scope", async () => {
    const { key } = await createApiKey(t.app, owner.bearer, wsId, {
      name: "read only",
      scopes: ["agents:read", "conversations:read"],
    });
    const before = fake.requests.length;
    const err = await failure(() =>
      client(key).chat.completions.create({
        model: modelAgentId,
        messages: [{ role: "user", content: "Hi" }],
      }),
    );
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expectHumanMessage(err, 403);
    expect((err as PermissionDeniedError).message).toContain("conversations:write");
    expect(fake.requests.length).toBe(before);
  });

  it("last message not from the user → BadRequestError", async () => {
    const err = await failure(() =>
      client().chat.completions.create({
        model: builtinAgentId,
        messages: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello!" },
        ],
      }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expectHumanMessage(err, 400);
    expect((err as BadRequestError).message).toMatch(/last message/i);
  });

  it("too-long message → BadRequestError and nothing reaches the model", async () => {
    const before = fake.requests.length;
    const err = await failure(() =>
      client().chat.completions.create({
        model: modelAgentId,
        messages: [{ role: "user", content: "x".repeat(4001) }],
      }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expectHumanMessage(err, 400);
    expect((err as BadRequestError).code).toBe("MESSAGE_TOO_LONG");
    expect((err as BadRequestError).message).toContain("4000");
    expect(fake.requests.length).toBe(before);
  });

  it("empty messages → BadRequestError", async () => {
    const err = await failure(() =>
      client().chat.completions.create({ model: builtinAgentId, messages: [] }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expectHumanMessage(err, 400);
  });
});

describe("tenant isolation", () => {
  it("another workspace's key cannot use this workspace's agent (404) and does not see it", async () => {
    const before = fake.requests.length;
    const err = await failure(() =>
      client(otherWsKey).chat.completions.create({
        model: modelAgentId,
        messages: [{ role: "user", content: "Hi" }],
      }),
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expectHumanMessage(err, 404);
    expect(fake.requests.length).toBe(before);

    const models = [];
    for await (const m of client(otherWsKey).models.list()) models.push(m.id);
    expect(models).toEqual([otherAgentId]);
  });

  it("another workspace's key cannot continue this workspace's conversation (404)", async () => {
    const first = await client()
      .chat.completions.create({
        model: builtinAgentId,
        messages: [{ role: "user", content: "What are your opening hours?" }],
      })
      .withResponse();
    const conversationId = first.response.headers.get(CONVERSATION_HEADER)!;
    const err = await failure(() =>
      client(otherWsKey).chat.completions.create(
        { model: builtinAgentId, messages: [{ role: "user", content: "Show me that chat" }] },
        { headers: { [CONVERSATION_HEADER]: conversationId } },
      ),
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expectHumanMessage(err, 404);
    // Nothing was added to the conversation.
    expect((await storedMessages(conversationId)).map((m) => m.role)).toEqual(["visitor", "assistant"]);
  });
});
