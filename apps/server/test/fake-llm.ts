import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// Test doubles of two third-party LLM APIs: OpenAI Chat Completions and Anthropic Messages.
// Each is a real HTTP server on a random localhost port that speaks the provider's wire format
// (JSON bodies, SSE streams, error shapes, auth headers) closely enough that the official clients
// (the AI SDK providers and the `openai` package) work against it unchanged. Tests script the
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
   * prompt is included (Anthropic's top-level `system` comes first, role "system"). Tool results
   * get role "tool" for both providers (for Anthropic they are split out of their user message)
   * and their JSON/text as content. Assistant tool calls contribute only their text.
   */
  messages: { role: string; content: string }[];
  /** Names of the tools declared in the request. */
  toolNames: string[];
};

export type FakeLlmServer = {
  /** Base URL for the SDKs: "http://127.0.0.1:PORT/v1". */
  url: string;
  /** The only key the server accepts; anything else gets a 401 in the provider's format. */
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

export function startFakeOpenAI(opts: ServerOptions = {}): Promise<FakeLlmServer> {
  return startFake(openAiDialect, opts);
}

export function startFakeAnthropic(opts: ServerOptions = {}): Promise<FakeLlmServer> {
  return startFake(anthropicDialect, opts);
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
  model: string;
  created: number;
  includeUsage: boolean;
  /** Known before the first byte: Anthropic reports input tokens in message_start. */
  inputTokens: number;
};

/** Builds SSE frames (complete "event:/data:" blocks) for one streamed response. */
type Streamer = {
  begin(): string[];
  text(delta: string): string[];
  finish(reply: Reply): string[];
};

type Dialect = {
  chatPath: string;
  defaultApiKey: string;
  defaultModels: string[];
  requestIdHeader: string;
  newMessageId(): string;
  newToolCallId(): string;
  /** Returns the error response for a request with missing or wrong credentials, else null. */
  checkAuth(req: IncomingMessage, apiKey: string): { status: number; body: unknown } | null;
  errorBody(status: number, message?: string): unknown;
  /** A 400 message if the body lacks something the real API requires. */
  validate(body: Record<string, unknown>): string | null;
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
    const requestId = `req_${randomId(24)}`;
    res.setHeader(dialect.requestIdHeader, requestId);
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const raw = await readBody(req);

    if (req.method === "GET" && (path === "/v1/models" || path.startsWith("/v1/models/"))) {
      const authError = dialect.checkAuth(req, apiKey);
      if (authError) return sendJson(res, authError.status, authError.body);
      if (path === "/v1/models") return sendJson(res, 200, dialect.modelList(models));
      const id = decodeURIComponent(path.slice("/v1/models/".length));
      if (!models.includes(id)) return sendJson(res, 404, dialect.errorBody(404, `model: ${id}`));
      return sendJson(res, 200, dialect.modelObject(id));
    }
    if (req.method !== "POST" || path !== dialect.chatPath) {
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
    const stream = body.stream === true;
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
    const invalid = dialect.validate(body);
    if (invalid) return sendJson(res, 400, dialect.errorBody(400, invalid));

    // Only requests the real API would accept reach the "model", so only they consume a step.
    const step = queue.shift() ?? defaultStep ?? echoStep(recorded.messages);
    const inputTokens = estimateTokens(recorded.messages.map((m) => m.content).join(""));
    const ctx: ReplyContext = {
      id: dialect.newMessageId(),
      model: String(body.model),
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
    startSse(res);
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
    startSse(res);
    res.write(streamer.begin().join(""));
    for (const chunk of splitText(text)) res.write(streamer.text(chunk).join(""));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
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
  chatPath: "/v1/chat/completions",
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

  validate(body) {
    if (typeof body.model !== "string") return "you must provide a model parameter";
    if (!Array.isArray(body.messages)) return "Missing required parameter: 'messages'.";
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
  chatPath: "/v1/messages",
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

  validate(body) {
    if (typeof body.model !== "string") return "model: Field required";
    if (!Array.isArray(body.messages)) return "messages: Field required";
    if (typeof body.max_tokens !== "number") return "max_tokens: Field required";
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
// Shared helpers

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function startSse(res: ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
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
