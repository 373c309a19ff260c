import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOutboundFetch } from "./outbound.ts";

// Redirects followed by the SSRF-guarded fetch: a hop to another origin (another port counts)
// must not carry any header that may hold a secret — provider keys travel as x-api-key
// (Anthropic), x-goog-api-key (Gemini), Authorization (OpenAI) and custom actions send headers
// of any name. Only harmless headers (accept, content-type, ...) go along. A hop on the same
// origin keeps everything. Two real servers on 127.0.0.1; "localhost" makes the second origin.

type Hit = { server: "first" | "second"; path: string; method: string; headers: IncomingHttpHeaders };

let first: Server;
let second: Server;
let firstPort: number;
let secondPort: number;
let hits: Hit[] = [];

function start(
  name: Hit["server"],
  handler: (path: string, res: import("node:http").ServerResponse) => void,
) {
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    hits.push({ server: name, path, method: req.method ?? "", headers: req.headers });
    req.resume();
    req.on("end", () => handler(path, res));
  });
  return server;
}

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  second = start("second", (_path, res) => {
    res.writeHead(200, { "content-type": "text/plain" }).end("landed on the second server");
  });
  // "localhost" may resolve to ::1 or 127.0.0.1: listen on both when the host has IPv6.
  try {
    secondPort = await listen(second, "::");
  } catch {
    secondPort = await listen(second, "127.0.0.1");
  }
  first = start("first", (path, res) => {
    const url = new URL(path, "http://x");
    if (url.pathname === "/to-other-origin") {
      res.writeHead(Number(url.searchParams.get("status") ?? 302), {
        location: `http://localhost:${secondPort}/landing`,
      });
      res.end();
    } else if (url.pathname === "/to-same-origin") {
      res.writeHead(302, { location: "/landing" }).end();
    } else {
      res.writeHead(200, { "content-type": "text/plain" }).end("landed on the first server");
    }
  });
  firstPort = await listen(first, "127.0.0.1");
});

afterAll(async () => {
  await new Promise<void>((resolve) => first.close(() => resolve()));
  await new Promise<void>((resolve) => second.close(() => resolve()));
});

beforeEach(() => {
  hits = [];
});

const SECRET_HEADERS = {
  "x-api-key": "sk-ant-secret-anthropic-key",
  "x-goog-api-key": "AIzaSecretGoogleKey",
  authorization: "Bearer sk-secret-openai-key",
  "X-Secret": "action-secret-token",
};
const HARMLESS_HEADERS = { accept: "application/json", "content-type": "application/json" };

const outboundFetch = createOutboundFetch({ allowPrivate: ["127.0.0.1", "localhost"] });

describe("outbound fetch: headers on redirects", () => {
  it("a redirect to another origin drops every secret-bearing header and keeps the harmless ones", async () => {
    const res = await outboundFetch(`http://127.0.0.1:${firstPort}/to-other-origin`, {
      headers: { ...SECRET_HEADERS, ...HARMLESS_HEADERS },
    });

    expect(res.status).toBe(200);
    expect(await res.text()).toBe("landed on the second server");
    expect(hits.map((h) => `${h.server} ${h.path}`)).toEqual(["first /to-other-origin", "second /landing"]);
    // The first server, which the headers were meant for, got them all.
    const toFirst = hits[0]!.headers;
    expect(toFirst["x-api-key"]).toBe(SECRET_HEADERS["x-api-key"]);
    expect(toFirst["x-goog-api-key"]).toBe(SECRET_HEADERS["x-goog-api-key"]);
    expect(toFirst.authorization).toBe(SECRET_HEADERS.authorization);
    expect(toFirst["x-secret"]).toBe(SECRET_HEADERS["X-Secret"]);

    const toSecond = hits[1]!.headers;
    expect(toSecond["x-api-key"]).toBeUndefined();
    expect(toSecond["x-goog-api-key"]).toBeUndefined();
    expect(toSecond.authorization).toBeUndefined();
    expect(toSecond["x-secret"]).toBeUndefined();
    expect(toSecond.accept).toBe("application/json");
    expect(toSecond["content-type"]).toBe("application/json");
    // No header value of the original request reached the other server in any form.
    const sent = JSON.stringify(toSecond);
    for (const secret of Object.values(SECRET_HEADERS)) expect(sent).not.toContain(secret);
  });

  it("a 307 to another origin (method and body kept) still drops the secrets", async () => {
    const res = await outboundFetch(`http://127.0.0.1:${firstPort}/to-other-origin?status=307`, {
      method: "POST",
      headers: { ...SECRET_HEADERS, ...HARMLESS_HEADERS },
      body: JSON.stringify({ q: 1 }),
    });

    expect(res.status).toBe(200);
    expect(hits.map((h) => `${h.server} ${h.method}`)).toEqual(["first POST", "second POST"]);
    const toSecond = hits[1]!.headers;
    for (const name of ["x-api-key", "x-goog-api-key", "authorization", "x-secret"]) {
      expect(toSecond[name], name).toBeUndefined();
    }
    expect(toSecond["content-type"]).toBe("application/json");
    expect(toSecond.accept).toBe("application/json");
  });

  it("a redirect on the same origin keeps every header", async () => {
    const res = await outboundFetch(`http://127.0.0.1:${firstPort}/to-same-origin`, {
      headers: { ...SECRET_HEADERS, ...HARMLESS_HEADERS },
    });

    expect(res.status).toBe(200);
    expect(await res.text()).toBe("landed on the first server");
    expect(hits.map((h) => `${h.server} ${h.path}`)).toEqual(["first /to-same-origin", "first /landing"]);
    const again = hits[1]!.headers;
    expect(again["x-api-key"]).toBe(SECRET_HEADERS["x-api-key"]);
    expect(again["x-goog-api-key"]).toBe(SECRET_HEADERS["x-goog-api-key"]);
    expect(again.authorization).toBe(SECRET_HEADERS.authorization);
    expect(again["x-secret"]).toBe(SECRET_HEADERS["X-Secret"]);
    expect(again.accept).toBe("application/json");
    expect(again["content-type"]).toBe("application/json");
  });
});
