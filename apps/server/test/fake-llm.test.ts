import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogle } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, type LanguageModel, stepCountIs, streamText, tool } from "ai";
import { createOllama } from "ollama-ai-provider-v2";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type FakeLlmServer,
  startFakeAnthropic,
  startFakeGoogle,
  startFakeOllama,
  startFakeOpenAI,
} from "./fake-llm.ts";

// Proves the fake providers speak the real wire protocols: every check goes through an official
// client (AI SDK providers, `ollama-ai-provider-v2`, the `openai` package) or plain fetch, never
// through the fakes' internals.

type Flavor = {
  name: string;
  start: () => Promise<FakeLlmServer>;
  model: (server: FakeLlmServer, apiKey?: string) => LanguageModel;
  /** How the real API answers a wrong key (Gemini: 400 API_KEY_INVALID). */
  wrongKeyStatus: number;
  /** What the client's error message says for a 429. */
  rateLimitMessage: RegExp;
};

// Ollama itself needs no key (see its own tests below); this flavor is an Ollama behind an auth
// proxy, so the shared wrong-key test has something to refuse. The package has no apiKey option:
// the key travels as a header.
const OLLAMA_PROXY_TOKEN = "ollama-proxy-token-5f4e3d2c";

const flavors: Flavor[] = [
  {
    name: "OpenAI via @ai-sdk/openai-compatible",
    start: () => startFakeOpenAI(),
    model: (s, apiKey = s.apiKey) =>
      createOpenAICompatible({ name: "fake", baseURL: s.url, apiKey, includeUsage: true })("gpt-4o-mini"),
    wrongKeyStatus: 401,
    rateLimitMessage: /rate limit/i,
  },
  {
    name: "OpenAI via @ai-sdk/openai chat",
    start: () => startFakeOpenAI(),
    model: (s, apiKey = s.apiKey) => createOpenAI({ baseURL: s.url, apiKey }).chat("gpt-4o-mini"),
    wrongKeyStatus: 401,
    rateLimitMessage: /rate limit/i,
  },
  {
    name: "Anthropic via @ai-sdk/anthropic",
    start: () => startFakeAnthropic(),
    model: (s, apiKey = s.apiKey) => createAnthropic({ baseURL: s.url, apiKey })("claude-sonnet-4-5"),
    wrongKeyStatus: 401,
    rateLimitMessage: /rate limit/i,
  },
  {
    name: "Google Gemini via @ai-sdk/google",
    start: () => startFakeGoogle(),
    model: (s, apiKey = s.apiKey) => createGoogle({ baseURL: s.url, apiKey })("gemini-2.0-flash"),
    wrongKeyStatus: 400,
    rateLimitMessage: /resource has been exhausted/i,
  },
  {
    name: "Ollama via ollama-ai-provider-v2 (behind an auth proxy)",
    start: () => startFakeOllama({ apiKey: OLLAMA_PROXY_TOKEN }),
    model: (s, apiKey = OLLAMA_PROXY_TOKEN) =>
      createOllama({ baseURL: s.url, headers: { authorization: `Bearer ${apiKey}` } })("llama3.2"),
    wrongKeyStatus: 401,
    // Ollama's errors are {"error": "<text>"}, which the package's schema does not parse: it
    // falls back to the HTTP status text.
    rateLimitMessage: /too many requests/i,
  },
];

const weatherTools = (calls: { city: string }[]) => ({
  get_weather: tool({
    description: "Current weather for a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push({ city });
      return { city, forecast: "sunny", celsius: 21 };
    },
  }),
});

describe.each(flavors)("$name", (flavor) => {
  let server: FakeLlmServer;
  let model: LanguageModel;
  beforeEach(async () => {
    server = await flavor.start();
    model = flavor.model(server);
  });
  afterEach(() => server.close());

  it("answers a non-streamed request with text and the scripted usage", async () => {
    server.enqueue({ kind: "text", text: "Hello there!", usage: { input: 11, output: 3 } });

    const result = await generateText({ model, instructions: "Be brief.", prompt: "Hi", maxRetries: 0 });

    expect(result.text).toBe("Hello there!");
    expect(result.finishReason).toBe("stop");
    expect(result.usage.inputTokens).toBe(11);
    expect(result.usage.outputTokens).toBe(3);
    const [req] = server.requests;
    expect(req?.stream).toBe(false);
    expect(req?.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ]);
  });

  it("echoes the last user message by default, with estimated usage", async () => {
    const result = await generateText({ model, prompt: "ping pong", maxRetries: 0 });

    expect(result.text).toBe("You said: ping pong");
    expect(result.usage.inputTokens).toBe(3); // "ping pong" = 9 chars ≈ 3 tokens
    expect(result.usage.outputTokens).toBe(5); // "You said: ping pong" = 19 chars ≈ 5 tokens

    server.setDefault({ kind: "text", text: "fixed" });
    expect((await generateText({ model, prompt: "x", maxRetries: 0 })).text).toBe("fixed");
    server.setDefault(null);
    expect((await generateText({ model, prompt: "y", maxRetries: 0 })).text).toBe("You said: y");
  });

  it("streams text token by token and reports usage", async () => {
    server.enqueue({ kind: "text", text: "one two three four", usage: { input: 7, output: 4 } });

    const result = streamText({ model, prompt: "count", maxRetries: 0 });
    const deltas: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") deltas.push(part.text);
      if (part.type === "error") throw part.error;
    }

    expect(deltas).toEqual(["one ", "two ", "three ", "four"]);
    expect(await result.finishReason).toBe("stop");
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(7);
    expect(usage.outputTokens).toBe(4);
    expect(server.requests[0]?.stream).toBe(true);
  });

  it("waits delayMs before each chunk of chunkSize characters", async () => {
    server.enqueue({ kind: "text", text: "abcdef", chunkSize: 2, delayMs: 40 });

    const started = Date.now();
    const deltas: string[] = [];
    for await (const text of streamText({ model, prompt: "go", maxRetries: 0 }).textStream) deltas.push(text);

    expect(deltas).toEqual(["ab", "cd", "ef"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);

    server.enqueue({ kind: "text", text: "late", delayMs: 80 });
    const before = Date.now();
    expect((await generateText({ model, prompt: "go", maxRetries: 0 })).text).toBe("late");
    expect(Date.now() - before).toBeGreaterThanOrEqual(70);
  });

  it("round-trips a tool call over two steps (non-streamed)", async () => {
    server.enqueue(
      { kind: "tools", calls: [{ name: "get_weather", args: { city: "Paris" } }] },
      { kind: "text", text: "It is sunny in Paris." },
    );
    const calls: { city: string }[] = [];

    const result = await generateText({
      model,
      tools: weatherTools(calls),
      stopWhen: stepCountIs(3),
      prompt: "Weather in Paris?",
      maxRetries: 0,
    });

    expect(calls).toEqual([{ city: "Paris" }]);
    expect(result.text).toBe("It is sunny in Paris.");
    expect(result.steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.toolNames).toEqual(["get_weather"]);
    const toolMessages = server.requests[1]?.messages.filter((m) => m.role === "tool") ?? [];
    expect(toolMessages).toHaveLength(1);
    expect(JSON.parse(toolMessages[0]!.content)).toEqual({ city: "Paris", forecast: "sunny", celsius: 21 });
  });

  it("round-trips parallel tool calls over two steps (streamed)", async () => {
    server.enqueue(
      {
        kind: "tools",
        calls: [
          { name: "get_weather", args: { city: "Paris" } },
          { name: "get_weather", args: { city: "Oslo, Norway" } },
        ],
        usage: { input: 20, output: 10 },
      },
      { kind: "text", text: "Sunny in both.", usage: { input: 40, output: 4 } },
    );
    const calls: { city: string }[] = [];

    const result = streamText({
      model,
      tools: weatherTools(calls),
      stopWhen: stepCountIs(3),
      prompt: "Weather in Paris and Oslo?",
      maxRetries: 0,
    });

    expect(await result.text).toBe("Sunny in both.");
    expect(calls).toEqual([{ city: "Paris" }, { city: "Oslo, Norway" }]);
    const total = await result.totalUsage;
    expect(total.inputTokens).toBe(60);
    expect(total.outputTokens).toBe(14);
    const second = server.requests[1];
    expect(second?.stream).toBe(true);
    const results = second?.messages.filter((m) => m.role === "tool").map((m) => JSON.parse(m.content).city);
    expect(results).toEqual(["Paris", "Oslo, Norway"]);
  });

  it("turns scripted error statuses into retryable APICallErrors", async () => {
    server.enqueue({ kind: "error", status: 429, headers: { "retry-after": "3" } });

    const error = await generateText({ model, prompt: "hi", maxRetries: 0 }).catch((e: unknown) => e);

    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(apiError.isRetryable).toBe(true);
    expect(apiError.responseHeaders?.["retry-after"]).toBe("3");
    expect(apiError.message).toMatch(flavor.rateLimitMessage);
  });

  it("reports a 500 on a streamed request as an error part", async () => {
    server.enqueue({ kind: "error", status: 500 });

    const errors: unknown[] = [];
    for await (const part of streamText({ model, prompt: "hi", maxRetries: 0, onError: () => {} })
      .fullStream) {
      if (part.type === "error") errors.push(part.error);
    }

    expect(errors).toHaveLength(1);
    expect(APICallError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as APICallError).statusCode).toBe(500);
    expect((errors[0] as APICallError).isRetryable).toBe(true);
  });

  it("rejects a wrong API key (with the provider's status) without consuming a step", async () => {
    server.enqueue({ kind: "text", text: "for the right key" });

    const error = await generateText({
      model: flavor.model(server, "wrong-key-123456"),
      prompt: "hi",
      maxRetries: 0,
    })
      .then(() => null)
      .catch((e: unknown) => e);

    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(flavor.wrongKeyStatus);
    expect((error as APICallError).isRetryable).toBe(false);
    expect(server.requests).toHaveLength(1); // recorded even though rejected
    expect((await generateText({ model, prompt: "hi", maxRetries: 0 })).text).toBe("for the right key");
  });

  it("hang: keeps the request open until the client aborts, and counts the abort", async () => {
    server.enqueue({ kind: "hang" });
    const controller = new AbortController();

    const pending = generateText({ model, prompt: "hi", maxRetries: 0, abortSignal: controller.signal });
    await until(() => server.requests.length === 1);
    await sleep(50);
    expect(server.aborted()).toBe(0);
    controller.abort();

    await expect(pending).rejects.toThrow();
    await until(() => server.aborted() === 1);
  });

  it("stall: streams the first text, then never finishes", async () => {
    server.enqueue({ kind: "stall", text: "partial answer" });
    const controller = new AbortController();

    const result = streamText({ model, prompt: "hi", maxRetries: 0, abortSignal: controller.signal });
    let text = "";
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") text += part.text;
      if (text === "partial answer") break;
    }
    await sleep(50);
    expect(server.aborted()).toBe(0);
    controller.abort();

    expect(text).toBe("partial answer");
    await until(() => server.aborted() === 1);
  });

  it("stall on a non-streamed request: headers and half a body, until the client aborts", async () => {
    server.enqueue({ kind: "stall", text: "never completed" });
    const controller = new AbortController();

    const pending = generateText({ model, prompt: "hi", maxRetries: 0, abortSignal: controller.signal });
    await until(() => server.requests.length === 1);
    await sleep(50);
    controller.abort();

    await expect(pending).rejects.toThrow();
    await until(() => server.aborted() === 1);
  });

  it("close() ends hung requests instead of waiting for them", async () => {
    server.enqueue({ kind: "hang" });
    const pending = generateText({ model, prompt: "hi", maxRetries: 0 }).catch((e: unknown) => e);
    await until(() => server.requests.length === 1);

    await server.close();

    expect(await pending).toBeInstanceOf(Error);
    expect(server.aborted()).toBe(0); // our own shutdown is not a client abort
  });
});

describe("startFakeOpenAI with the official openai client", () => {
  let server: FakeLlmServer;
  let client: OpenAI;
  beforeEach(async () => {
    server = await startFakeOpenAI({ apiKey: "sk-test-123", models: ["gpt-test-a", "gpt-test-b"] });
    client = new OpenAI({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });
  });
  afterEach(() => server.close());

  it("creates a non-streamed completion", async () => {
    server.enqueue({ kind: "text", text: "Hi!", usage: { input: 5, output: 2 } });

    const completion = await client.chat.completions.create({
      model: "gpt-test-a",
      messages: [
        { role: "developer", content: "Talk like a pirate." },
        { role: "user", content: [{ type: "text", text: "Hello" }] },
      ],
    });

    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message).toMatchObject({ role: "assistant", content: "Hi!" });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-test-123");
    expect(server.requests[0]?.messages).toEqual([
      { role: "developer", content: "Talk like a pirate." },
      { role: "user", content: "Hello" },
    ]);
  });

  it("streams chunks, with a usage chunk only when include_usage is set", async () => {
    server.enqueue({ kind: "text", text: "a b c", usage: { input: 3, output: 3 } });
    const withUsage = await client.chat.completions.create({
      model: "gpt-test-a",
      messages: [{ role: "user", content: "go" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of withUsage) chunks.push(chunk);

    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("a b c");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 3 });

    const plain = await client.chat.completions.create({
      model: "gpt-test-a",
      messages: [{ role: "user", content: "go" }],
      stream: true,
    });
    const plainChunks = [];
    for await (const chunk of plain) plainChunks.push(chunk);
    expect(plainChunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("You said: go");
    expect(plainChunks.every((c) => c.usage == null)).toBe(true);
  });

  it("streams tool calls with their arguments split across chunks", async () => {
    server.enqueue({ kind: "tools", calls: [{ name: "lookup", args: { query: "a fairly long query" } }] });

    const stream = await client.chat.completions.create({
      model: "gpt-test-a",
      messages: [{ role: "user", content: "look it up" }],
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
      stream: true,
    });
    const pieces: string[] = [];
    let name: string | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) {
        name ??= call.function?.name;
        if (call.function?.arguments) pieces.push(call.function.arguments);
      }
      finish ??= choice?.finish_reason;
    }

    expect(name).toBe("lookup");
    expect(pieces.length).toBeGreaterThan(1);
    expect(JSON.parse(pieces.join(""))).toEqual({ query: "a fairly long query" });
    expect(finish).toBe("tool_calls");
    expect(server.requests[0]?.toolNames).toEqual(["lookup"]);
  });

  it("lists models and maps errors to the client's error classes", async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    expect(models).toEqual(["gpt-test-a", "gpt-test-b"]);

    server.enqueue({ kind: "error", status: 429 });
    const rateLimited = await client.chat.completions
      .create({ model: "gpt-test-a", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((rateLimited as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("rate_limit_exceeded");

    const wrongKey = new OpenAI({ baseURL: server.url, apiKey: "sk-wrong-key-0000", maxRetries: 0 });
    const unauthorized = await wrongKey.models.list().catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe("startFakeAnthropic over plain HTTP", () => {
  let server: FakeLlmServer;
  beforeEach(async () => {
    server = await startFakeAnthropic({ models: ["claude-test"] });
  });
  afterEach(() => server.close());

  const headers = (s: FakeLlmServer) => ({
    "x-api-key": s.apiKey,
    "anthropic-version": "2023-06-01",
    "content-type": "application/json",
  });

  it("lists models in Anthropic's shape", async () => {
    const res = await fetch(`${server.url}/models`, { headers: headers(server) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      data: [{ type: "model", id: "claude-test" }],
      has_more: false,
      first_id: "claude-test",
      last_id: "claude-test",
    });
  });

  it("requires the anthropic-version header and reports errors in Anthropic's shape", async () => {
    const res = await fetch(`${server.url}/messages`, {
      method: "POST",
      headers: { "x-api-key": server.apiKey, "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-test",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: "anthropic-version: header is required" },
    });
  });

  it("streams named SSE events in the real order", async () => {
    server.enqueue({ kind: "text", text: "Hi there", usage: { input: 9, output: 2 } });
    const res = await fetch(`${server.url}/messages`, {
      method: "POST",
      headers: headers(server),
      body: JSON.stringify({
        model: "claude-test",
        max_tokens: 10,
        stream: true,
        system: [{ type: "text", text: "Be nice." }],
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = [...(await res.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);

    expect(events).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(server.requests[0]?.messages[0]).toEqual({ role: "system", content: "Be nice." });
  });
});

describe("startFakeGoogle on the wire", () => {
  let server: FakeLlmServer;
  beforeEach(async () => {
    server = await startFakeGoogle({ models: ["gemini-test"] });
  });
  afterEach(() => server.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "x-goog-api-key": server.apiKey, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  it("lists models as models/{id} with x-goog-api-key or ?key=, and refuses a missing key with 403", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1beta$/);
    const list = await fetch(`${server.url}/models`, { headers: { "x-goog-api-key": server.apiKey } });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({
      models: [
        {
          name: "models/gemini-test",
          supportedGenerationMethods: expect.arrayContaining(["generateContent"]),
        },
      ],
    });
    const one = await fetch(`${server.url}/models/gemini-test?key=${server.apiKey}`);
    expect(await one.json()).toMatchObject({ name: "models/gemini-test" });
    const unknown = await fetch(`${server.url}/models/gemini-nope?key=${server.apiKey}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } });

    const anonymous = await fetch(`${server.url}/models`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.json()).toMatchObject({ error: { code: 403, status: "PERMISSION_DENIED" } });
  });

  it("sends the SDK's request to models/{model}:generateContent with the system instruction first", async () => {
    server.enqueue({ kind: "text", text: "Sawasdee!", usage: { input: 12, output: 2 } });
    const model = createGoogle({ baseURL: server.url, apiKey: server.apiKey })("gemini-2.5-flash");

    const result = await generateText({
      model,
      instructions: "Greet in Thai.",
      messages: [
        { role: "user", content: "Hello" },
        { role: "assistant", content: "Hi! How can I help?" },
        { role: "user", content: "Greet me" },
      ],
      temperature: 0.2,
      maxRetries: 0,
    });

    expect(result.text).toBe("Sawasdee!");
    expect(result.usage).toMatchObject({ inputTokens: 12, outputTokens: 2, totalTokens: 14 });
    const [req] = server.requests;
    expect(req?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(req?.stream).toBe(false);
    expect(req?.headers["x-goog-api-key"]).toBe(server.apiKey);
    expect(req?.body.generationConfig).toMatchObject({ temperature: 0.2 });
    expect(req?.messages).toEqual([
      { role: "system", content: "Greet in Thai." },
      { role: "user", content: "Hello" },
      { role: "assistant", content: "Hi! How can I help?" },
      { role: "user", content: "Greet me" },
    ]);
  });

  it("streams GenerateContentResponse chunks over SSE; the last has STOP and the full usage", async () => {
    server.enqueue({ kind: "text", text: "a b", usage: { input: 4, output: 2 } });

    const res = await post("/models/gemini-test:streamGenerateContent?alt=sse", {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
    });

    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const raw = await res.text();
    const chunks = raw
      .split("\r\n\r\n")
      .filter((f) => f.trim() !== "")
      .map((f) => JSON.parse(f.replace(/^data: /, "")));
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text)).toEqual(["a ", "b", ""]);
    expect(chunks.slice(0, -1).every((c) => c.candidates[0].finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      candidates: [{ finishReason: "STOP", content: { role: "model" } }],
      usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 },
      modelVersion: "gemini-test",
    });
    expect(server.requests[0]?.stream).toBe(true);
  });

  it("refuses a request without contents, and streaming without alt=sse, with 400 INVALID_ARGUMENT", async () => {
    const empty = await post("/models/gemini-test:generateContent", { contents: [] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
    const noSse = await post("/models/gemini-test:streamGenerateContent", {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
    });
    expect(noSse.status).toBe(400);
  });

  it("maps Google's error JSON to APICallErrors: message, gRPC status, retryability", async () => {
    const model = createGoogle({ baseURL: server.url, apiKey: server.apiKey })("gemini-test");
    server.enqueue({ kind: "error", status: 503 }, { kind: "error", status: 404 });

    const overloaded = (await generateText({ model, prompt: "hi", maxRetries: 0 }).catch(
      (e) => e,
    )) as APICallError;
    expect(APICallError.isInstance(overloaded)).toBe(true);
    expect(overloaded.statusCode).toBe(503);
    expect(overloaded.isRetryable).toBe(true);
    expect(overloaded.message).toBe("The model is overloaded. Please try again later.");
    expect(overloaded.data).toMatchObject({ error: { code: 503, status: "UNAVAILABLE" } });

    const missing = (await generateText({ model, prompt: "hi", maxRetries: 0 }).catch(
      (e) => e,
    )) as APICallError;
    expect(missing.statusCode).toBe(404);
    expect(missing.isRetryable).toBe(false);

    const wrongKey = createGoogle({ baseURL: server.url, apiKey: "AIzaWrongKey" })("gemini-test");
    const refused = (await generateText({ model: wrongKey, prompt: "hi", maxRetries: 0 }).catch(
      (e) => e,
    )) as APICallError;
    expect(refused.statusCode).toBe(400);
    expect(refused.message).toBe("API key not valid. Please pass a valid API key.");
    expect(refused.data).toMatchObject({
      error: { status: "INVALID_ARGUMENT", details: [{ reason: "API_KEY_INVALID" }] },
    });
  });
});

describe("startFakeOllama on the wire", () => {
  let server: FakeLlmServer;
  beforeEach(async () => {
    server = await startFakeOllama({ models: ["llama3.2:latest", "qwen2.5:7b"] });
  });
  afterEach(() => server.close());

  const chatBody = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "hi" }], ...extra });

  it("needs no key and lists the pulled models at /api/tags", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(server.apiKey).toBe("");
    const res = await fetch(`${server.url}/tags`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { models: { name: string; model: string }[] };
    expect(body.models.map((m) => [m.name, m.model])).toEqual([
      ["llama3.2:latest", "llama3.2:latest"],
      ["qwen2.5:7b", "qwen2.5:7b"],
    ]);
    expect(body.models[0]).toMatchObject({
      details: { format: "gguf" },
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    server.enqueue({ kind: "text", text: "No key needed.", usage: { input: 9, output: 3 } });
    const result = await generateText({
      model: createOllama({ baseURL: server.url })("qwen2.5:7b"),
      instructions: "Be terse.",
      prompt: "hi",
      maxRetries: 0,
    });
    expect(result.text).toBe("No key needed.");
    expect(result.usage).toMatchObject({ inputTokens: 9, outputTokens: 3 });
    expect(server.requests[0]?.path).toBe("/api/chat");
    expect(server.requests[0]?.body).toMatchObject({ model: "qwen2.5:7b", stream: false });
    expect(server.requests[0]?.messages).toEqual([
      { role: "system", content: "Be terse." },
      { role: "user", content: "hi" },
    ]);
  });

  it("streams NDJSON when the body does not say stream: false; the last line has done and the counts", async () => {
    server.enqueue({ kind: "text", text: "one two", usage: { input: 5, output: 2 } });

    const res = await fetch(`${server.url}/chat`, { method: "POST", body: chatBody() });

    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.message.content)).toEqual(["one ", "two", ""]);
    expect(lines.slice(0, -1).every((l) => l.done === false && l.model === "llama3.2")).toBe(true);
    expect(lines.at(-1)).toMatchObject({
      done: true,
      done_reason: "stop",
      prompt_eval_count: 5,
      eval_count: 2,
    });
    expect(Number.isNaN(Date.parse(lines[0].created_at))).toBe(false);
    expect(server.requests[0]?.stream).toBe(true);
  });

  it("answers stream: false with one JSON object", async () => {
    server.enqueue({ kind: "text", text: "whole", usage: { input: 5, output: 1 } });

    const res = await fetch(`${server.url}/chat`, { method: "POST", body: chatBody({ stream: false }) });

    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({
      model: "llama3.2",
      message: { role: "assistant", content: "whole" },
      done: true,
      done_reason: "stop",
      prompt_eval_count: 5,
      eval_count: 1,
    });
  });

  it("answers a model that was not pulled with 404 and Ollama's plain error string, without consuming a step", async () => {
    server.enqueue({ kind: "text", text: "for a pulled model" });

    const raw = await fetch(`${server.url}/chat`, { method: "POST", body: chatBody({ model: "mistral" }) });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ error: 'model "mistral" not found, try pulling it first' });

    const error = (await generateText({
      model: createOllama({ baseURL: server.url })("mistral"),
      prompt: "hi",
      maxRetries: 0,
    }).catch((e) => e)) as APICallError;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(404);
    expect(error.isRetryable).toBe(false);
    expect(error.responseBody).toContain("try pulling it first");

    const ok = await generateText({
      model: createOllama({ baseURL: server.url })("llama3.2"),
      prompt: "hi",
      maxRetries: 0,
    });
    expect(ok.text).toBe("for a pulled model");
  });

  it("refuses tools for a model without tool support with 400, like the real server", async () => {
    const toolless = await startFakeOllama({ models: ["gemma2:2b"], withoutTools: ["gemma2:2b"] });
    try {
      const model = createOllama({ baseURL: toolless.url })("gemma2:2b");
      const error = (await generateText({
        model,
        prompt: "Weather in Paris?",
        tools: weatherTools([]),
        maxRetries: 0,
      }).catch((e) => e)) as APICallError;
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error.statusCode).toBe(400);
      expect(error.isRetryable).toBe(false);
      expect(error.responseBody).toContain("gemma2:2b does not support tools");

      expect((await generateText({ model, prompt: "hi", maxRetries: 0 })).text).toBe("You said: hi");
    } finally {
      await toolless.close();
    }
  });

  it("reports a 500 on a streamed request as a retryable error part", async () => {
    server.enqueue({ kind: "error", status: 500, body: { error: "llama runner process has terminated" } });

    const errors: unknown[] = [];
    const result = streamText({
      model: createOllama({ baseURL: server.url })("llama3.2"),
      prompt: "hi",
      maxRetries: 0,
      onError: () => {},
    });
    for await (const part of result.fullStream) if (part.type === "error") errors.push(part.error);

    expect(errors).toHaveLength(1);
    const error = errors[0] as APICallError;
    expect(error.statusCode).toBe(500);
    expect(error.isRetryable).toBe(true);
    expect(error.responseBody).toContain("llama runner process has terminated");
  });
});

async function until(probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
