import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// A test double of two embedding APIs on one localhost port: OpenAI's `POST /v1/embeddings`
// (which OpenAI-compatible servers copy) and Ollama's `POST /api/embed`, in their real wire
// formats (float or base64 vectors, usage, error bodies, bearer keys), so the AI SDK providers
// and the `openai` package work against it unchanged.
//
// The vectors mean something: words are mapped to concepts through a small synonym table
// (English, Russian, Thai), each concept is hashed to a signed dimension and the sum is
// normalised. "Can I bring my puppy?" and "Dogs are welcome on the terrace" share no word, yet
// their vectors are close, which is what lets a test show the vector path finding what lexical
// search cannot. Each model hashes with its own seed, so vectors of two models are unrelated,
// as they are for real models.

/** Words meaning the same thing for this fake "model". */
const CONCEPTS: Record<string, string[]> = {
  pet: [
    "pet",
    "pets",
    "dog",
    "dogs",
    "puppy",
    "puppies",
    "cat",
    "cats",
    "animal",
    "animals",
    "собака",
    "собаки",
    "собаку",
    "питомец",
    "питомцы",
    "питомцем",
    "สุนัข",
    "หมา",
    "สัตว์เลี้ยง",
  ],
  allow: [
    "allow",
    "allowed",
    "welcome",
    "permitted",
    "bring",
    "come",
    "можно",
    "разрешено",
    "разрешены",
    "พา",
    "ได้",
  ],
  refund: [
    "refund",
    "refunds",
    "money",
    "reimburse",
    "reimbursement",
    "return",
    "returned",
    "returns",
    "возврат",
    "вернуть",
    "деньги",
    "คืนเงิน",
  ],
  delivery: [
    "deliver",
    "delivers",
    "delivery",
    "shipping",
    "ship",
    "ships",
    "courier",
    "доставка",
    "доставляем",
    "доставку",
    "จัดส่ง",
    "ส่ง",
  ],
  price: [
    "price",
    "prices",
    "cost",
    "costs",
    "fee",
    "fees",
    "charge",
    "much",
    "цена",
    "стоимость",
    "сколько",
    "стоит",
    "ราคา",
    "เท่าไหร่",
  ],
  parking: ["parking", "park", "car", "cars", "vehicle", "парковка", "машину", "จอดรถ"],
  hours: ["open", "opening", "hours", "closing", "close", "schedule", "часы", "работаете", "เปิด"],
  coffee: ["coffee", "beans", "espresso", "кофе", "กาแฟ"],
  wifi: ["wifi", "internet", "wireless", "интернет", "ไวไฟ"],
  pay: ["pay", "payment", "card", "cards", "cash", "visa", "оплата", "картой", "จ่าย"],
  terrace: ["terrace", "patio", "outdoor", "outside", "веранда", "террасе", "ระเบียง"],
};
const CONCEPT_OF = new Map(Object.entries(CONCEPTS).flatMap(([c, words]) => words.map((w) => [w, c])));
const STOPWORDS = new Set(
  (
    "a an the is are am be was were do does did can could i you we they he she it my your our " +
    "to of in on at for with and or if how what when where which who why there this that these " +
    "those me us them have has had will would please any some as by from not no yes " +
    "я мы вы ли в на и с к по у а ну ещё"
  ).split(" "),
);

/** The fake model's vector for one text. */
export function fakeEmbedding(model: string, text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  let any = false;
  for (const word of words) {
    if (STOPWORDS.has(word)) continue;
    const concept = CONCEPT_OF.get(word) ?? word;
    const h = createHash("sha256").update(`${model}\u0000${concept}`).digest();
    v[h.readUInt32BE(0) % dims]! += h[4]! & 1 ? 1 : -1;
    any = true;
  }
  if (!any) v[0] = 1; // a text of stopwords still gets a (meaningless) unit vector
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export type EmbeddingRequest = {
  api: "openai" | "ollama";
  model: string;
  inputs: string[];
  encodingFormat: string | undefined;
  authorization: string | undefined;
};

export type FakeEmbeddingsServer = {
  /** Base URL for OpenAI and OpenAI-compatible clients: http://127.0.0.1:PORT/v1 */
  openaiUrl: string;
  /** Base URL for Ollama clients: http://127.0.0.1:PORT/api */
  ollamaUrl: string;
  /** Every embedding request, including refused ones, in arrival order. */
  requests: EmbeddingRequest[];
  /** The next `count` embedding requests fail with `status` (503 by default). */
  failNext(count: number, status?: number): void;
  /** Every request fails with `status` until called with null. */
  failAll(status: number | null): void;
  close(): Promise<void>;
};

export type FakeEmbeddingsOptions = {
  /** Vector size per model (default `defaultDimensions`). */
  dimensions?: Record<string, number>;
  defaultDimensions?: number;
  /** Models the server knows; others get 404 model_not_found. Default: any. */
  models?: string[];
  /** The only bearer key accepted; default: none needed. */
  apiKey?: string;
};

export async function startFakeEmbeddings(opts: FakeEmbeddingsOptions = {}): Promise<FakeEmbeddingsServer> {
  const requests: EmbeddingRequest[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let failEvery: number | null = null;
  const sockets = new Set<Socket>();
  const dimsOf = (model: string) => opts.dimensions?.[model] ?? opts.defaultDimensions ?? 64;

  const server = createServer((req, res) => {
    res.on("error", () => {});
    handle(req, res).catch((err: unknown) => sendJson(res, 500, openAiError(String(err), "server_error")));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const api = path === "/v1/embeddings" ? "openai" : path === "/api/embed" ? "ollama" : null;
    if (req.method !== "POST" || !api) {
      return sendJson(res, 404, openAiError(`Invalid URL (${req.method} ${path})`, "invalid_request_error"));
    }
    let body: { model?: unknown; input?: unknown; encoding_format?: unknown; dimensions?: unknown };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(
        res,
        400,
        openAiError("We could not parse the JSON body of your request.", "invalid_request_error"),
      );
    }
    const model = typeof body.model === "string" ? body.model : "";
    const inputs =
      typeof body.input === "string" ? [body.input] : Array.isArray(body.input) ? body.input : null;
    const authorization = req.headers.authorization;
    requests.push({
      api,
      model,
      inputs: (inputs ?? []).map(String),
      encodingFormat: typeof body.encoding_format === "string" ? body.encoding_format : undefined,
      authorization,
    });
    const fail = (status: number, message: string, type: string) =>
      api === "ollama"
        ? sendJson(res, status, { error: message })
        : sendJson(res, status, openAiError(message, type));

    if (opts.apiKey && authorization !== `Bearer ${opts.apiKey}`) {
      return fail(401, "Incorrect API key provided.", "invalid_request_error");
    }
    if (failEvery !== null || failures.count > 0) {
      const status = failEvery ?? failures.status;
      if (failEvery === null) failures = { ...failures, count: failures.count - 1 };
      return fail(status, status === 429 ? "Rate limit reached" : "The server is overloaded", "server_error");
    }
    if (!model) return fail(400, "you must provide a model parameter", "invalid_request_error");
    if (opts.models && !opts.models.includes(model)) {
      return fail(404, `The model \`${model}\` does not exist`, "invalid_request_error");
    }
    if (!inputs || inputs.length === 0 || inputs.some((s) => typeof s !== "string")) {
      return fail(400, "'input' must be a string or a non-empty array of strings", "invalid_request_error");
    }
    if (api === "openai" && inputs.length > 2048) {
      return fail(400, "'input' must have at most 2048 items", "invalid_request_error");
    }
    const dims = typeof body.dimensions === "number" ? body.dimensions : dimsOf(model);
    const vectors = (inputs as string[]).map((text) => fakeEmbedding(model, text, dims));
    const tokens = (inputs as string[]).reduce((n, s) => n + Math.ceil(s.length / 4), 0);

    if (api === "ollama") {
      return sendJson(res, 200, {
        model,
        embeddings: vectors,
        total_duration: 1_000_000,
        load_duration: 100_000,
        prompt_eval_count: tokens,
      });
    }
    const base64 = body.encoding_format === "base64";
    return sendJson(res, 200, {
      object: "list",
      data: vectors.map((v, index) => ({
        object: "embedding",
        index,
        // base64: little-endian float32s, as OpenAI sends them.
        embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v,
      })),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    openaiUrl: `http://127.0.0.1:${port}/v1`,
    ollamaUrl: `http://127.0.0.1:${port}/api`,
    requests,
    failNext(count, status = 503) {
      failures = { count, status };
    },
    failAll(status) {
      failEvery = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function openAiError(message: string, type: string) {
  return { error: { message, type, param: null, code: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
