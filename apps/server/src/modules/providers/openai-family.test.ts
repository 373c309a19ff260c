import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeOpenAI } from "../../../test/fake-llm.ts";
import { call, createTestApp, createWorkspace, signUp, type TestApp } from "../../../test/harness.ts";

// Groq, DeepSeek, OpenRouter and any OpenAI-compatible server speak OpenAI's Chat Completions
// protocol, so each provider package is driven end to end against the fake OpenAI server: the
// platform's env configuration reaches the right package, the key is sent, and the answer and
// its usage come back through a conversation turn.

let fake: FakeLlmServer;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  t = await createTestApp({
    env: {
      GROQ_API_KEY: fake.apiKey,
      GROQ_BASE_URL: fake.url,
      DEEPSEEK_API_KEY: fake.apiKey,
      DEEPSEEK_BASE_URL: fake.url,
      OPENROUTER_API_KEY: fake.apiKey,
      OPENROUTER_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_API_KEY: fake.apiKey,
      OPENAI_COMPATIBLE_MODELS: "qwen2.5-7b-instruct",
    },
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe("OpenAI-protocol providers", () => {
  // Groq reports streamed usage in its own `x_groq.usage` field, which the fake does not
  // send: the turn then records MiniChat's own token estimate instead of nothing.
  it.each([
    ["groq", "llama-3.1-8b-instant", false],
    ["deepseek", "deepseek-chat", true],
    ["openrouter", "openai/gpt-4o-mini", true],
    ["openai-compatible", "qwen2.5-7b-instruct", true],
  ])("%s answers a turn through its own provider package", async (provider, model, exactUsage) => {
    const owner = await signUp(t.app);
    const ws = await createWorkspace(t.app, owner.bearer);
    const agent = await call(t.app, owner.bearer, "POST", `/api/v1/workspaces/${ws.id}/agents`, {
      name: "Mia",
      provider,
      model,
      instructions: `Answer as the ${provider} agent.`,
    });
    expect(agent.statusCode, agent.body).toBe(201);
    fake.enqueue({ kind: "text", text: `Hello from ${provider}`, usage: { input: 120, output: 8 } });
    const before = fake.requests.length;
    const res = await call(
      t.app,
      owner.bearer,
      "POST",
      `/api/v1/workspaces/${ws.id}/agents/${agent.json().id}/chat`,
      { message: "Hi" },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().message.content).toBe(`Hello from ${provider}`);
    const usage = res.json().usage;
    expect(usage).toMatchObject({ provider, model });
    if (exactUsage) expect(usage).toMatchObject({ inputTokens: 120, outputTokens: 8 });
    else expect(usage.inputTokens > 0 && usage.outputTokens > 0).toBe(true);
    const sent = fake.requests[before]!;
    expect(sent.body.model).toBe(model);
    expect(sent.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(sent.messages[0]).toMatchObject({ role: "system" });
    expect(sent.messages[0]!.content).toContain(`Answer as the ${provider} agent.`);
  });

  it("lists the OpenAI-compatible server's models from the environment in the catalogue", async () => {
    const owner = await signUp(t.app);
    const ws = await createWorkspace(t.app, owner.bearer);
    const res = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${ws.id}/providers`);
    const compat = res.json().providers.find((p: { id: string }) => p.id === "openai-compatible");
    expect(compat).toMatchObject({ configured: true, source: "platform" });
    expect(compat.models.map((m: { id: string }) => m.id)).toContain("qwen2.5-7b-instruct");
  });
});
