import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// Test doubles of four third-party LLM APIs: OpenAI Chat Completions, Anthropic Messages,
// Google Gemini (generateContent) and Ollama (/api/chat). Each is a real HTTP server on a random
// localhost port that speaks the provider's wire format (JSON bodies, SSE or NDJSON streams,
// error shapes, auth headers) closely enough that the official clients (the AI SDK providers,
// `ollama-ai-provider-v2` and the `openai` package) work against it unchanged. Tests script the
// "model" by queueing steps; every chat request is recorded for assertions.

export type FakeUsage = { input: number; output: number };
export type FakeStep =
  /** delayMs: wait before each streamed text chunk (and before a non-streamed response). */
  | { kind: "text"; text: string; usage?: FakeUsage; chunkSize?: number; delayMs?: number }
  /** The model asks to call tools (finish reason tool_calls / tool_use). */
  | { kind: "tools"; calls: { name: string; args: Record<string, unknown> }[]; usage?: FakeUsage }
  /** An HTTP error; body defaults to the provider's real error JSON for that status. */
  | { kind: "error"; status: number; body?: unknown; headers?: Record<string, string> }
  /** Accept the request and never answer (until the client aborts or the server closes). */
  | { kind: "hang" }
  /** Send the response headers and the text's chunks, then never finish. */
  | { kind: "stall"; text: string };

export type RecordedRequest = {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: the client's JSON body, for ad-hoc assertions
  body: any;
  stream: boolean;
  /**
   * All message text the client sent, in order, with content flattened to a string. The system
   * prompt is included (Anthropic's top-level `system` and Gemini's `systemInstruction` come
   * first, role "system"). Tool results get role "tool" for every provider (for Anthropic and
   * Gemini they are split out of their user turn) and their JSON/text as content. Assistant tool
   * calls contribute only their text. Gemini's role "model" is recorded as "assistant".
   */
  messages: { role: string; content: string }[];
  /** Names of the tools declared in the request. */
  toolNames: string[];
};

export type FakeLlmServer = {
  /**
   * Base URL for the SDKs: "http://127.0.0.1:PORT/v1" (OpenAI, Anthropic), ".../v1beta"
   * (Gemini), ".../api" (Ollama).
   */
  url: string;
  /**
   * The only key the server accepts; anything else is refused in the provider's format (401;
   * Gemini answers a wrong key with 400 API_KEY_INVALID and a missing one with 403, like the real
   * API). For Ollama it is "" (no key needed) unless `apiKey` is passed in the options.
   */
  apiKey: string;
  /** Every request to the chat endpoint, including rejected ones, in arrival order. */
  requests: RecordedRequest[];
  /** Queue steps; each incoming chat request consumes the next one. */
  enqueue(...steps: FakeStep[]): void;
  /** Used when the queue is empty; null restores the default "You said: <last user message>". */
  setDefault(step: FakeStep | null): void;
  /** Number of requests the client aborted before the server finished answering. */
  aborted(): number;
  close(): Promise<void>;
};

type ServerOptions = { apiKey?: string; models?: string[] };
type OllamaOptions = ServerOptions & {
  /**
   * Pulled models whose template has no tool support: a request that declares tools gets
   * 400 "<model> does not support tools", like the real server.
   */
  withoutTools?: string[];
};

const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

export function startFakeOpenAI(opts: ServerOptions = {}): Promise<FakeLlmServer> {
  return startFake(openAiDialect, opts);
}

export function startFakeAnthropic(opts: ServerOptions = {}): Promise<FakeLlmServer> {
  return startFake(anthropicDialect, opts);
}

/**
 * Google Gemini API (generativelanguage.googleapis.com/v1beta): `POST models/{model}:generateContent`
 * and `:streamGenerateContent?alt=sse`, `GET models` / `models/{model}`; key in the
 * `x-goog-api-key` header (or `?key=`). `models` are bare ids ("gemini-2.0-flash"); the list
 * names them "models/gemini-2.0-flash" like the real one. Any model id is served.
 */
export function startFakeGoogle(opts: ServerOptions = {}): Promise<FakeLlmServer> {
  return startFake(googleDialect, opts);
}

/**
 * Ollama's native API (http://host:11434/api): `POST /api/chat` (NDJSON stream unless
 * `"stream": false`) and `GET /api/tags`. Like a real Ollama server it needs no key, and it only
 * serves the models it has "pulled" (`models`, default llama3.2:latest and qwen2.5:latest; a
 * name without a tag means ":latest"): others get 404 "not found, try pulling it first". With
 * `apiKey` set it requires `Authorization: Bearer <key>`, as Ollama behind an auth proxy would.
 */
export function startFakeOllama(opts: OllamaOptions = {}): Promise<FakeLlmServer> {
  return startFake(ollamaDialect(opts.withoutTools ?? []), opts);
}

// ---------------------------------------------------------------------------------------------
// What differs between the providers lives in a Dialect; the server loop below is shared.

type ToolCall = { id: string; name: string; args: Record<string, unknown> };

/** The model's answer to one request, with ids and usage already decided. */
type Reply =
  | { kind: "text"; text: string; usage: FakeUsage }
  | { kind: "tools"; calls: ToolCall[]; usage: FakeUsage };

type ReplyContext = {
  id: string;
  /** As the client named it (Gemini: from the URL path). */
  model: string;
  created: number;
  includeUsage: boolean;
  /** Known before the first byte: Anthropic reports input tokens in message_start. */
  inputTokens: number;
};

/** Builds stream frames (complete SSE blocks or NDJSON lines) for one streamed response. */
type Streamer = {
  begin(): string[];
  text(delta: string): string[];
  finish(reply: Reply): string[];
};

/** What the URL of a chat request says (Gemini puts the model and streaming in the path). */
type ChatRoute = {
  model?: string;
  stream?: boolean;
  /** A 400 message for a request this fake does not serve (validate reports it). */
  refusal?: string;
};

type Dialect = {
  /** Path prefix of the base URL handed to the SDKs ("/v1", "/v1beta", "/api"). */
  basePath: string;
  /** GET here lists the models. */
  modelsPath: string;
  /** GET under this prefix describes one model; null when the API has no such endpoint. */
  modelPathPrefix: string | null;
  /** Returns the route for a chat request, or null when the request is not one. */
  matchChat(method: string, url: URL): ChatRoute | null;
  /** Whether the client asked for a streamed answer. */
  streams(body: Record<string, unknown>, route: ChatRoute): boolean;
  streamContentType: string;
  defaultApiKey: string;
  defaultModels: string[];
  requestIdHeader: string | null;
  newMessageId(): string;
  newToolCallId(): string;
  /** Returns the error response for a request with missing or wrong credentials, else null. */
  checkAuth(req: IncomingMessage, apiKey: string): { status: number; body: unknown } | null;
  errorBody(status: number, message?: string): unknown;
  /** The 404 message for GET of an unknown model. */
  modelNotFound(id: string): string;
  /** An error if the real API would refuse the body (400 unless said otherwise). */
  validate(
    body: Record<string, unknown>,
    route: ChatRoute,
    models: string[],
  ): { status: number; message: string } | null;
  summarize(body: Record<string, unknown>): Pick<RecordedRequest, "messages" | "toolNames">;
  modelObject(id: string): unknown;
  modelList(ids: string[]): unknown;
  completion(ctx: ReplyContext, reply: Reply): unknown;
  streamer(ctx: ReplyContext): Streamer;
};

async function startFake(dialect: Dialect, opts: ServerOptions): Promise<FakeLlmServer> {
  const apiKey = opts.apiKey ?? dialect.defaultApiKey;
  const models = opts.models ?? dialect.defaultModels;
  const requests: RecordedRequest[] = [];
  const queue: FakeStep[] = [];
  let defaultStep: FakeStep | null = null;
  let abortedCount = 0;
  let closing = false;
  // Clients keep connections alive (and hung requests never end), so close() must destroy them.
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    // A response that closes before it finished was cut off by the client, unless we are
    // shutting down and destroyed the socket ourselves.
    res.on("close", () => {
      if (!res.writableFinished && !closing) abortedCount++;
    });
    // Writes racing a client disconnect must not crash the test process.
    res.on("error", () => {});
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, dialect.errorBody(500, String(err)));
      } else {
        res.destroy();
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (dialect.requestIdHeader) res.setHeader(dialect.requestIdHeader, `req_${randomId(24)}`);
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    const raw = await readBody(req);

    const modelPrefix = dialect.modelPathPrefix;
    if (
      req.method === "GET" &&
      (path === dialect.modelsPath || (modelPrefix !== null && path.startsWith(modelPrefix)))
    ) {
      const authError = dialect.checkAuth(req, apiKey);
      if (authError) return sendJson(res, authError.status, authError.body);
      if (path === dialect.modelsPath) return sendJson(res, 200, dialect.modelList(models));
      const id = decodeURIComponent(path.slice((modelPrefix ?? "").length));
      if (!models.includes(id)) return sendJson(res, 404, dialect.errorBody(404, dialect.modelNotFound(id)));
      return sendJson(res, 200, dialect.modelObject(id));
    }
    const route = req.method ? dialect.matchChat(req.method, url) : null;
    if (!route) {
      return sendJson(res, 404, dialect.errorBody(404, `Invalid URL (${req.method} ${path})`));
    }

    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error();
      body = parsed as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, dialect.errorBody(400, "The request body is not valid JSON."));
    }
    const stream = dialect.streams(body, route);
    const summary = dialect.summarize(body);
    const recorded: RecordedRequest = {
      path: req.url ?? path,
      headers: req.headers,
      body,
      stream,
      ...summary,
    };
    requests.push(recorded);

    const authError = dialect.checkAuth(req, apiKey);
    if (authError) return sendJson(res, authError.status, authError.body);
    const invalid = dialect.validate(body, route, models);
    if (invalid) return sendJson(res, invalid.status, dialect.errorBody(invalid.status, invalid.message));

    // Only requests the real API would accept reach the "model", so only they consume a step.
    const step = queue.shift() ?? defaultStep ?? echoStep(recorded.messages);
    const inputTokens = estimateTokens(recorded.messages.map((m) => m.content).join(""));
    const ctx: ReplyContext = {
      id: dialect.newMessageId(),
      model: route.model ?? String(body.model),
      created: Math.floor(Date.now() / 1000),
      includeUsage: (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true,
      inputTokens,
    };

    switch (step.kind) {
      case "error":
        return sendJson(res, step.status, step.body ?? dialect.errorBody(step.status), step.headers);
      case "hang":
        // Leave the response open; the "close" listener counts it when the client gives up.
        return;
      case "stall":
        return stall(res, ctx, step.text, stream);
      case "text": {
        const reply: Reply = {
          kind: "text",
          text: step.text,
          usage: step.usage ?? { input: inputTokens, output: estimateTokens(step.text) },
        };
        const chunks = splitText(step.text, step.chunkSize);
        return stream
          ? streamReply(res, ctx, reply, chunks, step.delayMs ?? 0)
          : answer(res, ctx, reply, step.delayMs ?? 0);
      }
      case "tools": {
        const calls = step.calls.map((c) => ({ ...c, id: dialect.newToolCallId() }));
        const argsText = calls.map((c) => JSON.stringify(c.args)).join("");
        const reply: Reply = {
          kind: "tools",
          calls,
          usage: step.usage ?? { input: inputTokens, output: estimateTokens(argsText) },
        };
        return stream ? streamReply(res, ctx, reply, [], 0) : answer(res, ctx, reply, 0);
      }
    }
  }

  async function answer(res: ServerResponse, ctx: ReplyContext, reply: Reply, delayMs: number) {
    if (delayMs > 0) await sleep(delayMs);
    if (res.destroyed) return;
    sendJson(res, 200, dialect.completion(ctx, reply));
  }

  async function streamReply(
    res: ServerResponse,
    ctx: ReplyContext,
    reply: Reply,
    chunks: string[],
    delayMs: number,
  ) {
    const streamer = dialect.streamer({ ...ctx, inputTokens: reply.usage.input });
    startStream(res, dialect.streamContentType);
    res.write(streamer.begin().join(""));
    for (const chunk of chunks) {
      if (delayMs > 0) await sleep(delayMs);
      if (res.destroyed) return;
      res.write(streamer.text(chunk).join(""));
    }
    res.end(streamer.finish(reply).join(""));
  }

  function stall(res: ServerResponse, ctx: ReplyContext, text: string, stream: boolean) {
    if (!stream) {
      // A non-streamed answer can only stall mid-body: send half of the JSON and stop.
      const usage = { input: ctx.inputTokens, output: estimateTokens(text) };
      const json = JSON.stringify(dialect.completion(ctx, { kind: "text", text, usage }));
      res.writeHead(200, { "content-type": "application/json" });
      res.write(json.slice(0, Math.floor(json.length / 2)));
      return;
    }
    const streamer = dialect.streamer(ctx);
    startStream(res, dialect.streamContentType);
    res.write(streamer.begin().join(""));
    for (const chunk of splitText(text)) res.write(streamer.text(chunk).join(""));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${dialect.basePath}`,
    apiKey,
    requests,
    enqueue: (...steps) => {
      queue.push(...steps);
    },
    setDefault: (step) => {
      defaultStep = step;
    },
    aborted: () => abortedCount,
    close: () => {
      closing = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

function echoStep(messages: RecordedRequest["messages"]): FakeStep {
  const lastUser = messages.findLast((m) => m.role === "user");
  return { kind: "text", text: `You said: ${lastUser?.content ?? ""}` };
}

// ---------------------------------------------------------------------------------------------
// OpenAI Chat Completions (https://platform.openai.com/docs/api-reference/chat)

const openAiDialect: Dialect = {
  basePath: "/v1",
  modelsPath: "/v1/models",
  modelPathPrefix: "/v1/models/",
  matchChat: (method, url) => (method === "POST" && url.pathname === "/v1/chat/completions" ? {} : null),
  streams: (body) => body.stream === true,
  streamContentType: SSE_CONTENT_TYPE,
  defaultApiKey: "sk-fake-openai-key",
  defaultModels: ["gpt-4o-mini", "gpt-4o"],
  requestIdHeader: "x-request-id",
  newMessageId: () => `chatcmpl-${randomId(29)}`,
  newToolCallId: () => `call_${randomId(24)}`,

  checkAuth(req, apiKey) {
    const header = req.headers.authorization;
    if (!header) {
      return {
        status: 401,
        body: openAiError(
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          "invalid_request_error",
          null,
        ),
      };
    }
    const key = header.replace(/^Bearer\s+/i, "");
    if (key === apiKey) return null;
    // The real message masks the key, showing only its ends.
    const masked = key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : key;
    return {
      status: 401,
      body: openAiError(
        `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        "invalid_request_error",
        "invalid_api_key",
      ),
    };
  },

  errorBody(status, message) {
    const [type, code, fallback] =
      openAiErrorTypes[status] ??
      (status >= 500
        ? ["server_error", null, "The server had an error while processing your request. Sorry about that!"]
        : ["invalid_request_error", null, `Request failed with status ${status}.`]);
    return openAiError(message ?? fallback, type, code);
  },

  modelNotFound: (id) => `model: ${id}`,

  validate(body) {
    if (typeof body.model !== "string") return invalid("you must provide a model parameter");
    if (!Array.isArray(body.messages)) return invalid("Missing required parameter: 'messages'.");
    return null;
  },

  summarize(body) {
    const messages: RecordedRequest["messages"] = [];
    for (const m of asArray(body.messages)) {
      const msg = m as { role?: unknown; content?: unknown };
      messages.push({ role: String(msg.role), content: flattenContent(msg.content) });
    }
    const toolNames = asArray(body.tools).map((t) =>
      String((t as { function?: { name?: unknown } }).function?.name),
    );
    return { messages, toolNames };
  },

  modelObject: (id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "system" }),
  modelList(ids) {
    return { object: "list", data: ids.map((id) => this.modelObject(id)) };
  },

  completion(ctx, reply) {
    const message =
      reply.kind === "text"
        ? { role: "assistant", content: reply.text, refusal: null, annotations: [] }
        : {
            role: "assistant",
            content: null,
            tool_calls: reply.calls.map((c) => ({
              id: c.id,
              type: "function",
              function: { name: c.name, arguments: JSON.stringify(c.args) },
            })),
            refusal: null,
            annotations: [],
          };
    return {
      id: ctx.id,
      object: "chat.completion",
      created: ctx.created,
      model: ctx.model,
      choices: [
        { index: 0, message, logprobs: null, finish_reason: reply.kind === "text" ? "stop" : "tool_calls" },
      ],
      usage: openAiUsage(reply.usage),
      service_tier: "default",
      system_fingerprint: "fp_fake",
    };
  },

  streamer(ctx) {
    // Every chunk repeats the envelope; with include_usage the real API adds "usage": null to
    // each chunk and sends the totals in one extra chunk with no choices.
    const chunk = (choices: unknown[], usage?: unknown) =>
      sse({
        id: ctx.id,
        object: "chat.completion.chunk",
        created: ctx.created,
        model: ctx.model,
        service_tier: "default",
        system_fingerprint: "fp_fake",
        choices,
        ...(ctx.includeUsage ? { usage: usage ?? null } : {}),
      });
    const delta = (d: unknown, finishReason: string | null = null) => ({
      index: 0,
      delta: d,
      logprobs: null,
      finish_reason: finishReason,
    });
    return {
      begin: () => [chunk([delta({ role: "assistant", content: "", refusal: null })])],
      text: (t) => [chunk([delta({ content: t })])],
      finish(reply) {
        const frames: string[] = [];
        if (reply.kind === "tools") {
          reply.calls.forEach((call, index) => {
            // The first delta names the call; the arguments follow in pieces, like the real API.
            frames.push(
              chunk([
                delta({
                  tool_calls: [
                    { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
                  ],
                }),
              ]),
            );
            for (const piece of splitText(JSON.stringify(call.args), 8)) {
              frames.push(chunk([delta({ tool_calls: [{ index, function: { arguments: piece } }] })]));
            }
          });
        }
        frames.push(chunk([delta({}, reply.kind === "text" ? "stop" : "tool_calls")]));
        if (ctx.includeUsage) frames.push(chunk([], openAiUsage(reply.usage)));
        frames.push("data: [DONE]\n\n");
        return frames;
      },
    };
  },
};

const openAiErrorTypes: Record<number, [type: string, code: string | null, message: string]> = {
  400: ["invalid_request_error", null, "Invalid request."],
  401: ["invalid_request_error", "invalid_api_key", "Incorrect API key provided."],
  403: [
    "invalid_request_error",
    "unsupported_country_region_territory",
    "Country, region, or territory not supported.",
  ],
  404: [
    "invalid_request_error",
    "model_not_found",
    "The model does not exist or you do not have access to it.",
  ],
  429: ["requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again later."],
  503: ["server_error", null, "The engine is currently overloaded, please try again later."],
};

function openAiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

function openAiUsage(usage: FakeUsage) {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Anthropic Messages (https://docs.anthropic.com/en/api/messages)

const anthropicDialect: Dialect = {
  basePath: "/v1",
  modelsPath: "/v1/models",
  modelPathPrefix: "/v1/models/",
  matchChat: (method, url) => (method === "POST" && url.pathname === "/v1/messages" ? {} : null),
  streams: (body) => body.stream === true,
  streamContentType: SSE_CONTENT_TYPE,
  defaultApiKey: "sk-ant-fake-key",
  defaultModels: ["claude-sonnet-4-5", "claude-haiku-4-5"],
  requestIdHeader: "request-id",
  newMessageId: () => `msg_01${randomId(22)}`,
  newToolCallId: () => `toolu_01${randomId(22)}`,

  checkAuth(req, apiKey) {
    const key = req.headers["x-api-key"];
    const fail = (status: number, type: string, message: string) => ({
      status,
      body: anthropicError(type, message),
    });
    if (!key) return fail(401, "authentication_error", "x-api-key header is required");
    if (key !== apiKey) return fail(401, "authentication_error", "invalid x-api-key");
    if (!req.headers["anthropic-version"]) {
      return fail(400, "invalid_request_error", "anthropic-version: header is required");
    }
    return null;
  },

  errorBody(status, message) {
    const [type, fallback] =
      anthropicErrorTypes[status] ??
      (status >= 500 ? ["api_error", "Internal server error"] : ["invalid_request_error", "Invalid request"]);
    return anthropicError(type, message ?? fallback);
  },

  modelNotFound: (id) => `model: ${id}`,

  validate(body) {
    if (typeof body.model !== "string") return invalid("model: Field required");
    if (!Array.isArray(body.messages)) return invalid("messages: Field required");
    if (typeof body.max_tokens !== "number") return invalid("max_tokens: Field required");
    return null;
  },

  summarize(body) {
    const messages: RecordedRequest["messages"] = [];
    if (body.system !== undefined) messages.push({ role: "system", content: flattenContent(body.system) });
    for (const m of asArray(body.messages)) {
      const msg = m as { role?: unknown; content?: unknown };
      const role = String(msg.role);
      if (!Array.isArray(msg.content)) {
        messages.push({ role, content: flattenContent(msg.content) });
        continue;
      }
      // Anthropic carries tool results inside user messages; split them out as role "tool" so
      // assertions read the same for both providers. Other blocks keep their message's role.
      let pending: unknown[] = [];
      const flush = () => {
        if (pending.length > 0) messages.push({ role, content: flattenContent(pending) });
        pending = [];
      };
      for (const block of msg.content as { type?: unknown; content?: unknown }[]) {
        if (block?.type === "tool_result") {
          flush();
          messages.push({ role: "tool", content: flattenContent(block.content ?? "") });
        } else {
          pending.push(block);
        }
      }
      flush();
    }
    const toolNames = asArray(body.tools).map((t) => String((t as { name?: unknown }).name));
    return { messages, toolNames };
  },

  modelObject: (id) => ({ type: "model", id, display_name: id, created_at: "2025-01-01T00:00:00Z" }),
  modelList(ids) {
    return {
      data: ids.map((id) => this.modelObject(id)),
      has_more: false,
      first_id: ids[0] ?? null,
      last_id: ids.at(-1) ?? null,
    };
  },

  completion(ctx, reply) {
    return {
      id: ctx.id,
      type: "message",
      role: "assistant",
      model: ctx.model,
      content:
        reply.kind === "text"
          ? [{ type: "text", text: reply.text }]
          : reply.calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: c.args })),
      stop_reason: reply.kind === "text" ? "end_turn" : "tool_use",
      stop_sequence: null,
      usage: {
        input_tokens: reply.usage.input,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: reply.usage.output,
        service_tier: "standard",
      },
    };
  },

  streamer(ctx) {
    // Real streams name every event and repeat the name as "type" inside the data. Input
    // tokens come up front in message_start (with a placeholder output count of 1); the final
    // output count comes in message_delta.
    const event = (type: string, data: Record<string, unknown>) => sse({ type, ...data }, type);
    let textBlockOpen = false;
    return {
      begin: () => [
        event("message_start", {
          message: {
            id: ctx.id,
            type: "message",
            role: "assistant",
            model: ctx.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: {
              input_tokens: ctx.inputTokens,
              cache_creation_input_tokens: 0,
              cache_read_input_tokens: 0,
              output_tokens: 1,
              service_tier: "standard",
            },
          },
        }),
        event("ping", {}),
      ],
      text(t) {
        const frames: string[] = [];
        if (!textBlockOpen) {
          textBlockOpen = true;
          frames.push(event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }));
        }
        frames.push(event("content_block_delta", { index: 0, delta: { type: "text_delta", text: t } }));
        return frames;
      },
      finish(reply) {
        const frames: string[] = [];
        let index = 0;
        if (reply.kind === "text") {
          if (!textBlockOpen) {
            frames.push(event("content_block_start", { index, content_block: { type: "text", text: "" } }));
          }
          frames.push(event("content_block_stop", { index }));
        } else {
          for (const call of reply.calls) {
            frames.push(
              event("content_block_start", {
                index,
                content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
              }),
            );
            // The real API opens with an empty partial_json before the argument pieces.
            for (const piece of ["", ...splitText(JSON.stringify(call.args), 8)]) {
              frames.push(
                event("content_block_delta", {
                  index,
                  delta: { type: "input_json_delta", partial_json: piece },
                }),
              );
            }
            frames.push(event("content_block_stop", { index }));
            index++;
          }
        }
        frames.push(
          event("message_delta", {
            delta: { stop_reason: reply.kind === "text" ? "end_turn" : "tool_use", stop_sequence: null },
            usage: { output_tokens: reply.usage.output },
          }),
          event("message_stop", {}),
        );
        return frames;
      },
    };
  },
};

const anthropicErrorTypes: Record<number, [type: string, message: string]> = {
  400: ["invalid_request_error", "Invalid request"],
  401: ["authentication_error", "invalid x-api-key"],
  402: ["billing_error", "Your credit balance is too low to access the Anthropic API."],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "Not found"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "This request would exceed the rate limit for your organization."],
  500: ["api_error", "Internal server error"],
  504: ["timeout_error", "Request timed out"],
  529: ["overloaded_error", "Overloaded"],
};

function anthropicError(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: `req_${randomId(24)}` };
}

// ---------------------------------------------------------------------------------------------
// Google Gemini API (https://ai.google.dev/api/generate-content)

// models/{model}:generateContent, models/{model}:streamGenerateContent (tuned models likewise).
const GOOGLE_CHAT_PATH =
  /^\/v1beta\/((?:models|tunedModels)\/[^/:]+):(generateContent|streamGenerateContent)$/;

type GooglePart = {
  text?: unknown;
  functionCall?: unknown;
  functionResponse?: { response?: { content?: unknown; error?: unknown } };
};

const googleDialect: Dialect = {
  basePath: "/v1beta",
  modelsPath: "/v1beta/models",
  modelPathPrefix: "/v1beta/models/",
  matchChat(method, url) {
    const match = method === "POST" ? GOOGLE_CHAT_PATH.exec(url.pathname) : null;
    if (!match) return null;
    const model = decodeURIComponent(match[1]!).replace(/^models\//, "");
    if (match[2] === "generateContent") return { model, stream: false };
    // Without alt=sse the real API streams one JSON array instead; no client we use asks for it.
    return url.searchParams.get("alt") === "sse"
      ? { model, stream: true }
      : { model, stream: true, refusal: "The fake Gemini server only streams with alt=sse." };
  },
  streams: (_body, route) => route.stream === true,
  streamContentType: "text/event-stream",
  // Real keys are "AIza" and 35 more characters.
  defaultApiKey: "AIzaSyFakeGeminiKey0123456789abcdefgh",
  defaultModels: ["gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.5-pro"],
  requestIdHeader: null,
  newMessageId: () => randomId(23),
  newToolCallId: () => "", // Gemini's functionCall carries no id; the SDK makes one up

  checkAuth(req, apiKey) {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams.get("key");
    const key = req.headers["x-goog-api-key"] ?? query ?? undefined;
    // The real API's answers: no key is a 403, a wrong key a 400 (not a 401).
    if (!key) {
      return {
        status: 403,
        body: googleError(
          403,
          "PERMISSION_DENIED",
          "Method doesn't allow unregistered callers (callers without established identity). Please use API key or other form of API consumer identity to call this API.",
        ),
      };
    }
    if (key === apiKey) return null;
    return {
      status: 400,
      body: googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
      ]),
    };
  },

  errorBody(status, message) {
    const [grpcStatus, fallback] =
      googleErrorTypes[status] ??
      (status >= 500
        ? googleErrorTypes[500]!
        : ["INVALID_ARGUMENT", "Request contains an invalid argument."]);
    return googleError(status, grpcStatus, message ?? fallback);
  },

  modelNotFound: (id) => `models/${id} is not found for API version v1beta.`,

  validate(body, route) {
    if (route.refusal) return invalid(route.refusal);
    if (!Array.isArray(body.contents) || body.contents.length === 0) {
      return invalid("* GenerateContentRequest.contents: contents is not specified\n");
    }
    return null;
  },

  summarize(body) {
    const messages: RecordedRequest["messages"] = [];
    const system = body.systemInstruction as { parts?: unknown } | undefined;
    if (system != null) messages.push({ role: "system", content: googlePartsText(asArray(system.parts)) });
    for (const c of asArray(body.contents)) {
      const turn = c as { role?: unknown; parts?: unknown };
      const role = turn.role === "model" ? "assistant" : String(turn.role ?? "user");
      // Tool results travel as functionResponse parts of a user turn; split them out as "tool".
      let pending: GooglePart[] = [];
      const flush = () => {
        if (pending.length > 0) messages.push({ role, content: googlePartsText(pending) });
        pending = [];
      };
      for (const part of asArray(turn.parts) as GooglePart[]) {
        if (part?.functionResponse) {
          flush();
          const response = part.functionResponse.response;
          const value = response?.content ?? response?.error ?? response ?? "";
          messages.push({ role: "tool", content: typeof value === "string" ? value : JSON.stringify(value) });
        } else {
          pending.push(part);
        }
      }
      flush();
    }
    const toolNames = asArray(body.tools).flatMap((t) =>
      asArray((t as { functionDeclarations?: unknown }).functionDeclarations).map((d) =>
        String((d as { name?: unknown }).name),
      ),
    );
    return { messages, toolNames };
  },

  modelObject: (id) => ({
    name: `models/${id}`,
    version: "001",
    displayName: id,
    description: `Fake ${id}`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 8192,
    supportedGenerationMethods: [
      "generateContent",
      "countTokens",
      "createCachedContent",
      "batchGenerateContent",
    ],
    temperature: 1,
    topP: 0.95,
    topK: 40,
    maxTemperature: 2,
  }),
  modelList(ids) {
    return { models: ids.map((id) => this.modelObject(id)) };
  },

  completion(ctx, reply) {
    return {
      candidates: [
        { content: { parts: googleReplyParts(reply), role: "model" }, finishReason: "STOP", index: 0 },
      ],
      usageMetadata: googleUsage(reply.usage),
      modelVersion: ctx.model,
      responseId: ctx.id,
    };
  },

  streamer(ctx) {
    // Every chunk is a whole GenerateContentResponse. Intermediate chunks count only the prompt;
    // the last one has the finish reason and the full usage. Frames end in CRLF like the real ones.
    const frame = (candidate: Record<string, unknown>, usageMetadata: unknown) =>
      `data: ${JSON.stringify({
        candidates: [{ ...candidate, index: 0 }],
        usageMetadata,
        modelVersion: ctx.model,
        responseId: ctx.id,
      })}\r\n\r\n`;
    const promptOnly = {
      promptTokenCount: ctx.inputTokens,
      totalTokenCount: ctx.inputTokens,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: ctx.inputTokens }],
    };
    return {
      begin: () => [],
      text: (t) => [frame({ content: { parts: [{ text: t }], role: "model" } }, promptOnly)],
      finish: (reply) => [
        frame(
          {
            content: {
              parts: reply.kind === "text" ? [{ text: "" }] : googleReplyParts(reply),
              role: "model",
            },
            finishReason: "STOP",
          },
          googleUsage(reply.usage),
        ),
      ],
    };
  },
};

const googleErrorTypes: Record<number, [status: string, message: string]> = {
  400: ["INVALID_ARGUMENT", "Request contains an invalid argument."],
  401: [
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
  ],
  403: ["PERMISSION_DENIED", "The caller does not have permission"],
  404: ["NOT_FOUND", "Requested entity was not found."],
  429: ["RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."],
  500: [
    "INTERNAL",
    "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  ],
  503: ["UNAVAILABLE", "The model is overloaded. Please try again later."],
  504: ["DEADLINE_EXCEEDED", "The request timed out. Please try again."],
};

function googleError(code: number, status: string, message: string, details?: unknown[]) {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

/** Text of Gemini parts: text parts give their text, function calls nothing, others a marker. */
function googlePartsText(parts: unknown[]): string {
  return (parts as (GooglePart & Record<string, unknown>)[])
    .map((p) => {
      if (typeof p?.text === "string") return p.text;
      if (p?.functionCall) return "";
      return `[${Object.keys(p ?? {})[0] ?? "empty"}]`;
    })
    .filter((s) => s !== "")
    .join("\n");
}

function googleReplyParts(reply: Reply): unknown[] {
  if (reply.kind === "text") return [{ text: reply.text }];
  return reply.calls.map((c) => ({ functionCall: { name: c.name, args: c.args } }));
}

function googleUsage(usage: FakeUsage) {
  return {
    promptTokenCount: usage.input,
    candidatesTokenCount: usage.output,
    totalTokenCount: usage.input + usage.output,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: usage.input }],
  };
}

// ---------------------------------------------------------------------------------------------
// Ollama (https://github.com/ollama/ollama/blob/main/docs/api.md)

const ollamaDialect = (withoutTools: string[]): Dialect => ({
  basePath: "/api",
  modelsPath: "/api/tags",
  modelPathPrefix: null,
  matchChat: (method, url) => (method === "POST" && url.pathname === "/api/chat" ? {} : null),
  // Ollama streams unless told not to.
  streams: (body) => body.stream !== false,
  streamContentType: "application/x-ndjson",
  defaultApiKey: "",
  defaultModels: ["llama3.2:latest", "qwen2.5:latest"],
  requestIdHeader: null,
  newMessageId: () => "",
  newToolCallId: () => `call_${randomId(8).toLowerCase()}`,

  checkAuth(req, apiKey) {
    if (!apiKey || req.headers.authorization === `Bearer ${apiKey}`) return null;
    return { status: 401, body: { error: "unauthorized" } };
  },

  errorBody(status, message) {
    return {
      error:
        message ?? ollamaErrorMessages[status] ?? (status >= 500 ? "internal server error" : "bad request"),
    };
  },

  modelNotFound: (id) => `model '${id}' not found`,

  validate(body, _route, models) {
    if (typeof body.model !== "string" || body.model === "") return invalid("model is required");
    const wanted = ollamaModelName(body.model);
    if (!models.some((m) => ollamaModelName(m) === wanted)) {
      return invalid(`model "${body.model}" not found, try pulling it first`, 404);
    }
    if (asArray(body.tools).length > 0 && withoutTools.some((m) => ollamaModelName(m) === wanted)) {
      return invalid(`registry.ollama.ai/library/${wanted} does not support tools`);
    }
    return null;
  },

  summarize(body) {
    const messages: RecordedRequest["messages"] = [];
    for (const m of asArray(body.messages)) {
      const msg = m as { role?: unknown; content?: unknown };
      messages.push({ role: String(msg.role), content: flattenContent(msg.content) });
    }
    const toolNames = asArray(body.tools).map((t) =>
      String((t as { function?: { name?: unknown } }).function?.name),
    );
    return { messages, toolNames };
  },

  modelObject: (name) => ({
    name,
    model: name,
    modified_at: "2025-01-01T00:00:00.000000000Z",
    size: 2_019_393_189,
    digest: createHash("sha256").update(name).digest("hex"),
    details: {
      parent_model: "",
      format: "gguf",
      family: "llama",
      families: ["llama"],
      parameter_size: "3.2B",
      quantization_level: "Q4_K_M",
    },
  }),
  modelList(names) {
    return { models: names.map((name) => this.modelObject(name)) };
  },

  completion(ctx, reply) {
    return {
      model: ctx.model,
      created_at: new Date().toISOString(),
      message: ollamaMessage(reply),
      done_reason: "stop",
      done: true,
      ...ollamaStats(reply.usage),
    };
  },

  streamer(ctx) {
    // One JSON object per line; the last one has done: true, the done reason and the counts.
    const line = (data: Record<string, unknown>) =>
      `${JSON.stringify({ model: ctx.model, created_at: new Date().toISOString(), ...data })}\n`;
    return {
      begin: () => [],
      text: (t) => [line({ message: { role: "assistant", content: t }, done: false })],
      finish(reply) {
        const frames: string[] = [];
        if (reply.kind === "tools") frames.push(line({ message: ollamaMessage(reply), done: false }));
        frames.push(
          line({
            message: { role: "assistant", content: "" },
            done_reason: "stop",
            done: true,
            ...ollamaStats(reply.usage),
          }),
        );
        return frames;
      },
    };
  },
});

const ollamaErrorMessages: Record<number, string> = {
  400: "invalid request",
  404: "not found",
  500: "an error was encountered while running the model",
  503: "server busy, please try again.  maximum pending requests exceeded",
};

/** "llama3.2" and "llama3.2:latest" name the same model. */
function ollamaModelName(name: string): string {
  return name.includes(":") ? name : `${name}:latest`;
}

function ollamaMessage(reply: Reply) {
  if (reply.kind === "text") return { role: "assistant", content: reply.text };
  return {
    role: "assistant",
    content: "",
    tool_calls: reply.calls.map((c, index) => ({
      id: c.id,
      function: { index, name: c.name, arguments: c.args },
    })),
  };
}

/** Token counts plus the timings (nanoseconds) a real server reports. */
function ollamaStats(usage: FakeUsage) {
  return {
    total_duration: 1_250_000_000,
    load_duration: 15_000_000,
    prompt_eval_count: usage.input,
    prompt_eval_duration: 120_000_000,
    eval_count: usage.output,
    eval_duration: 1_100_000_000,
  };
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function startStream(res: ServerResponse, contentType: string) {
  res.writeHead(200, { "content-type": contentType, "cache-control": "no-cache" });
}

/** A request the real API refuses: `validate`'s answer. */
function invalid(message: string, status = 400): { status: number; message: string } {
  return { status, message };
}

/** One SSE frame; Anthropic names its events, OpenAI sends bare data lines. */
function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

/** Words with their trailing whitespace by default ("token by token"); fixed-size pieces with `size`. */
function splitText(text: string, size?: number): string[] {
  if (size && size > 0) {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
    return pieces;
  }
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Text of a message's content, whatever its shape: string, content blocks, or tool output. */
function flattenContent(content: unknown): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map(partText)
      .filter((s) => s !== "")
      .join("\n");
  }
  return JSON.stringify(content);
}

/** Text parts give their text; tool calls give nothing; anything else (images, files) a marker. */
function partText(part: { type?: unknown; text?: unknown } | null): string {
  if (typeof part?.text === "string") return part.text;
  if (part?.type === "tool_use") return "";
  return `[${String(part?.type)}]`;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Alphanumeric, like the real ids ("chatcmpl-…", "call_…", "msg_01…", "toolu_01…"). */
function randomId(length: number): string {
  return Array.from(randomBytes(length), (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join("");
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
