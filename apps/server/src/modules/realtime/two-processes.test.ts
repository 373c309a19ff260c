import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { STRONG_PASSWORD, TEST_SECRET, uniqueEmail } from "../../../test/harness.ts";

// Two real `minichat start` processes on two ports, sharing one PostgreSQL database and one
// Redis, as two app nodes behind a load balancer. This test always uses real PostgreSQL and
// Redis, even in the embedded test run: two processes cannot share a PGlite, and sharing is what
// it is about. Both run on every machine this project tests on (.ci/run starts them).
// The database is a fresh, empty one: both processes migrate it at the same moment on start.

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const PG_URL = inject("postgres")?.url ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = inject("redisUrl") ?? "redis://127.0.0.1:6379";
const RATE_LIMIT_MAX = 6;
const HOST_PAGE = "https://shop.example";

type Node = { child: ChildProcess; base: string; port: number; output: () => string };

const dbName = `mc_two_${inject("postgres")?.runId ?? Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const dataDir = mkdtempSync(join(tmpdir(), "minichat-two-"));
const nodes: Node[] = [];
const sockets: Socket[] = [];
let admin: pg.Client | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startNode(port: number, databaseUrl: string, redisKeyPrefix: string): Node {
  const env = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "test",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: join(dataDir, String(port)),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    SECRET_KEY: TEST_SECRET,
    BASE_URL: `http://localhost:${port}`,
    RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
    LOG_LEVEL: "warn",
  };
  const child = spawn(process.execPath, [MAIN, "start"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (d: string) => {
    output += d;
  };
  child.stdout!.setEncoding("utf8").on("data", collect);
  child.stderr!.setEncoding("utf8").on("data", collect);
  const node = { child, base: `http://127.0.0.1:${port}`, port, output: () => output };
  nodes.push(node);
  return node;
}

async function waitReady(node: Node, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (node.child.exitCode !== null) {
      throw new Error(`node on :${node.port} exited with ${node.child.exitCode}:\n${node.output()}`);
    }
    const res = await fetch(`${node.base}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node on :${node.port} not ready after ${timeoutMs} ms:\n${node.output()}`);
}

async function api(
  node: Node,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; origin?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.origin) headers.origin = opts.origin;
  const res = await fetch(`${node.base}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

async function signUp(node: Node, name: string) {
  const email = uniqueEmail();
  const res = await api(node, "POST", "/api/auth/sign-up/email", {
    body: { email, password: STRONG_PASSWORD, name },
    origin: `http://localhost:${node.port}`,
  });
  expect(res.status, res.text).toBe(200);
  return { email, token: res.headers.get("set-auth-token") as string };
}

/** A GET from another loopback address: a client IP no other request of this test uses. */
function getFrom(node: Node, path: string, localAddress: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>(
    (resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: node.port, path, localAddress }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}

function socket(node: Node, ns: string, token: string): Promise<Socket> {
  const s = connect(`${node.base}${ns}`, { auth: { token }, transports: ["websocket"], forceNew: true });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

const within = <T>(p: Promise<T>, what: string, ms = 10_000) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms),
    ),
  ]);

let one: Node;
let two: Node;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  // A prefix of its own: other runs' sockets and rate-limit counters never meet this test's.
  const prefix = `two${randomBytes(4).toString("hex")}:`;
  // Started together on purpose: migrations take an advisory lock, pg-boss installs under its own.
  one = startNode(await freePort(), url.toString(), prefix);
  two = startNode(await freePort(), url.toString(), prefix);
  await Promise.all([waitReady(one), waitReady(two)]);
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(
    nodes.map(async (n) => {
      if (n.child.exitCode !== null || n.child.signalCode !== null) return;
      const closed = new Promise((r) => n.child.once("close", r));
      n.child.kill("SIGTERM");
      const timer = setTimeout(() => n.child.kill("SIGKILL"), 5_000);
      await closed;
      clearTimeout(timer);
    }),
  );
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe("two app processes sharing PostgreSQL and Redis", () => {
  it("carries a visitor's message to an operator on the other process, and the reply back", async () => {
    // Owner and operator sign up on process 1; the workspace and a live built-in agent too.
    const owner = await signUp(one, "Owner");
    const operator = await signUp(one, "Nok");
    const ws = await api(one, "POST", "/api/v1/workspaces", { token: owner.token, body: { name: "Acme" } });
    expect(ws.status, ws.text).toBe(201);
    const wsId = ws.json().id as string;
    const agent = await api(one, "POST", `/api/v1/workspaces/${wsId}/agents`, {
      token: owner.token,
      body: { name: "Mia", provider: "builtin", status: "live" },
    });
    expect(agent.status, agent.text).toBe(201);
    const inv = await api(one, "POST", `/api/v1/workspaces/${wsId}/invitations`, {
      token: owner.token,
      body: { email: operator.email, role: "operator" },
    });
    expect(inv.status, inv.text).toBe(201);
    const acc = await api(one, "POST", `/api/v1/invitations/${inv.json().id}/accept`, {
      token: operator.token,
    });
    expect(acc.status, acc.text).toBe(200);

    // The operator's dashboard is connected to process 2.
    const inbox = await socket(two, "/inbox", operator.token);
    expect(await within(inbox.emitWithAck("join", { workspaceId: wsId }), "join")).toEqual({ ok: true });

    // A visitor on a host page starts a conversation and writes through process 1.
    const start = await api(one, "POST", `/api/v1/widget/${agent.json().publicKey}/conversations`, {
      origin: HOST_PAGE,
      body: {},
    });
    expect(start.status, start.text).toBe(201);
    const { conversationId, visitorToken } = start.json() as { conversationId: string; visitorToken: string };
    const created = new Promise<{ conversationId: string; role: string }>((resolve) =>
      inbox.on(
        "message.created",
        (e) => e.conversationId === conversationId && e.role === "visitor" && resolve(e),
      ),
    );
    const sent = await api(one, "POST", `/api/v1/widget/conversations/${conversationId}/messages`, {
      origin: HOST_PAGE,
      token: visitorToken,
      body: { content: "Hello from process one" },
    });
    expect(sent.status, sent.text).toBe(200);
    expect(await within(created, "message.created on process 2")).toMatchObject({
      conversationId,
      role: "visitor",
    });

    // The visitor's socket is on process 1; the operator replies through process 2.
    const visitor = await socket(one, "/visitor", visitorToken);
    const got = new Promise<{ content: string; role: string }>((resolve) => visitor.once("message", resolve));
    const reply = await api(
      two,
      "POST",
      `/api/v1/workspaces/${wsId}/inbox/conversations/${conversationId}/messages`,
      {
        token: operator.token,
        body: { content: "Nok here, from process two" },
      },
    );
    expect(reply.status, reply.text).toBe(201);
    expect(await within(got, "the operator's reply on process 1")).toMatchObject({
      role: "operator",
      content: "Nok here, from process two",
    });
  });

  it("counts one rate limit for both processes", async () => {
    // A client IP nothing else in this test uses, alternating between the two processes.
    const ip = "127.0.0.2";
    for (let i = 0; i < RATE_LIMIT_MAX; i++) {
      const res = await getFrom(i % 2 === 0 ? one : two, "/api/v1/workspaces", ip);
      expect(res.status).toBe(401);
      expect(res.headers["ratelimit-limit"]).toBe(String(RATE_LIMIT_MAX));
      expect(res.headers["ratelimit-remaining"]).toBe(String(RATE_LIMIT_MAX - 1 - i));
    }
    for (const node of [one, two]) {
      const limited = await getFrom(node, "/api/v1/workspaces", ip);
      expect(limited.status).toBe(429);
      expect(limited.headers["ratelimit-limit"]).toBe(String(RATE_LIMIT_MAX));
      expect(limited.headers["ratelimit-remaining"]).toBe("0");
      expect(Number(limited.headers["ratelimit-reset"])).toBeGreaterThan(0);
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    }
    // Another client is not limited by this one's requests.
    expect((await getFrom(two, "/api/v1/workspaces", "127.0.0.3")).status).toBe(401);
  });
});
