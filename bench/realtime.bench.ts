// Realtime across nodes: a widget visitor's message, sent to one app node, reaches an operator's
// dashboard socket on the other node. Budget (issue 5): p99 ≤ 100 ms at 500 concurrent
// conversations.
//
// Run: npm run bench:realtime
// Options (or env): --conversations 500 (BENCH_CONVERSATIONS), --rounds 5 (BENCH_ROUNDS, burst
//      rounds), --rate 100 (BENCH_RATE, messages/s in the steady phase), --duration 15
//      (BENCH_DURATION, s), --cpu-prof DIR (write a V8 CPU profile of each node there).
//      BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL
//      (redis://127.0.0.1:6379).
//
// Two real `minichat start` processes share a fresh PostgreSQL database and Redis, as behind a
// load balancer. Every visitor has its own conversation (widget API, built-in responder) and
// talks to one node, alternately A and B, as a load balancer spreads them; the operator has an
// /inbox socket on each node. Latency is from just before the visitor's HTTP request is written
// to the moment the operator's socket on the OTHER node receives `message.created` for it — the
// event raised once the message is stored, before the agent answers (the socket on the same
// node is reported too, for comparison). Two phases:
//   burst  — all visitors send at the same instant, `rounds` times (the worst case: 500
//            requests arrive together);
//   steady — visitors send at random moments, `rate` messages/s in all (each visitor every
//            conversations / rate seconds on average), for `duration` seconds.
// The load generator and the sockets run in this process; nodes A and B are child processes.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { io as connect, type Socket } from "socket.io-client";
import { option, percentile } from "./bench-options.ts";

const MAIN = fileURLToPath(new URL("../apps/server/src/main.ts", import.meta.url));
const conversations = Number(option("conversations", "BENCH_CONVERSATIONS", "500"));
const rounds = Number(option("rounds", "BENCH_ROUNDS", "5"));
const rate = Number(option("rate", "BENCH_RATE", "100"));
const duration = Number(option("duration", "BENCH_DURATION", "15"));
const cpuProf = option("cpu-prof", "BENCH_CPU_PROF", "");
const pgUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const ORIGIN = "https://shop.example";

type Node = { name: string; child: ChildProcess; port: number; output: () => string };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startNode(name: string, port: number, env: Record<string, string>): Node {
  const flags = cpuProf
    ? ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`, `--cpu-prof-name=node-${name}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...flags, MAIN, "start"], {
    env: { ...env, PORT: String(port), BASE_URL: `http://localhost:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    output += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    output += d;
  });
  return { name, child, port, output: () => output };
}

async function waitReady(node: Node): Promise<void> {
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (node.child.exitCode !== null) throw new Error(`node ${node.name} exited:\n${node.output()}`);
    const res = await fetch(`http://127.0.0.1:${node.port}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node ${node.name} not ready:\n${node.output()}`);
}

async function stopNode(node: Node): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const closed = new Promise((r) => node.child.once("close", r));
  node.child.kill("SIGTERM");
  const timer = setTimeout(() => node.child.kill("SIGKILL"), 30_000);
  await closed;
  clearTimeout(timer);
}

/** CPU time (ms) a process has used so far (Linux /proc; else NaN). */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, USER_HZ = 100
  } catch {
    return Number.NaN;
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

function request(
  node: Node,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port: node.port,
        method,
        path,
        headers: {
          ...headers,
          ...(payload
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function ok(res: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>) {
  const r = await res;
  if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 300)}`);
  return r;
}

function inboxSocket(node: Node, token: string, workspaceId: string): Promise<Socket> {
  const s = connect(`http://127.0.0.1:${node.port}/inbox`, {
    auth: { token },
    transports: ["websocket"],
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    s.once("connect_error", reject);
    s.once("connect", async () => {
      const ack = await s.emitWithAck("join", { workspaceId });
      if (!ack?.ok) reject(new Error(`join failed: ${JSON.stringify(ack)}`));
      else resolve(s);
    });
  });
}

type Visitor = { conversationId: string; token: string; node: Node };
type Sample = { sentAt: number; node: Node; remote?: number; local?: number };

async function main(): Promise<void> {
  const dbName = `minichat_bench_rt_${randomBytes(4).toString("hex")}`;
  const adminDb = new pg.Client({ connectionString: pgUrl });
  await adminDb.connect();
  await adminDb.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(pgUrl);
  dbUrl.pathname = `/${dbName}`;
  if (cpuProf) mkdirSync(cpuProf, { recursive: true });

  const env = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    DATA_DIR: join(tmpdir(), `minichat-bench-rt-${dbName}`),
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `bench${randomBytes(3).toString("hex")}:`,
    SECRET_KEY: "bench-secret-0123456789-0123456789-0123456789",
    LOG_LEVEL: "warn",
    // The realtime path is measured, not the flood limits (all visitors share one IP here).
    RATE_LIMIT_MAX: "100000000",
    AUTH_RATE_LIMIT_MAX: "100000",
    WIDGET_VISITOR_MESSAGES_PER_MINUTE: "100000",
    WIDGET_IP_MESSAGES_PER_MINUTE: "100000000",
    DEFAULT_PLAN: "enterprise",
  };
  const a = startNode("A", await freePort(), env);
  const b = startNode("B", await freePort(), env);
  const sockets: Socket[] = [];
  try {
    await Promise.all([waitReady(a), waitReady(b)]);

    const signUp = await ok(
      request(
        a,
        "POST",
        "/api/auth/sign-up/email",
        { email: "bench@example.com", password: "violet-harbor-lantern-42", name: "Bench" },
        { origin: `http://localhost:${a.port}` },
      ),
    );
    const token = String(signUp.headers["set-auth-token"]);
    const auth = { authorization: `Bearer ${token}` };
    const wsId = JSON.parse(
      (await ok(request(a, "POST", "/api/v1/workspaces", { name: "Bench" }, auth))).body,
    ).id as string;
    const created = JSON.parse(
      (
        await ok(
          request(
            a,
            "POST",
            `/api/v1/workspaces/${wsId}/agents`,
            {
              name: "Mia",
              provider: "builtin",
              status: "live",
              quickAnswers: [{ question: "What are your opening hours?", answer: "Every day, 8am to 6pm." }],
            },
            auth,
          ),
        )
      ).body,
    ) as { publicKey: string };

    const visitors: Visitor[] = [];
    for (let i = 0; i < conversations; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, conversations - i) }, async (_, j) => {
          const node = (i + j) % 2 === 0 ? a : b;
          const r = await ok(
            request(
              node,
              "POST",
              `/api/v1/widget/${created.publicKey}/conversations`,
              {},
              { origin: ORIGIN },
            ),
          );
          const s = JSON.parse(r.body) as { conversationId: string; visitorToken: string };
          return { conversationId: s.conversationId, token: s.visitorToken, node };
        }),
      );
      visitors.push(...batch);
    }

    // The operator's dashboard is open on both nodes: one socket on the other node than the
    // visitor's (the measured path), one on the same node (for comparison).
    const inFlight = new Map<string, Sample[]>();
    for (const node of [a, b]) {
      const s = await inboxSocket(node, token, wsId);
      sockets.push(s);
      s.on("message.created", (e: { conversationId: string; role: string }) => {
        if (e.role !== "visitor") return;
        const at = performance.now();
        const which = inFlight.get(e.conversationId)?.[0]?.node === node ? "local" : "remote";
        const sample = inFlight.get(e.conversationId)?.find((x) => x[which] === undefined);
        if (sample) sample[which] = at;
      });
    }

    let errors = 0;
    let firstError: string | null = null;
    const send = async (v: Visitor, n: number, into: Sample[]) => {
      const sample: Sample = { sentAt: performance.now(), node: v.node };
      const list = inFlight.get(v.conversationId) ?? [];
      list.push(sample);
      inFlight.set(v.conversationId, list);
      into.push(sample);
      try {
        const r = await request(
          v.node,
          "POST",
          `/api/v1/widget/conversations/${v.conversationId}/messages`,
          { content: `What are your opening hours? (${n})` },
          { origin: ORIGIN, authorization: `Bearer ${v.token}` },
        );
        if (r.status !== 200) {
          errors++;
          firstError ??= `HTTP ${r.status} ${r.body.slice(0, 200)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= String(err);
      }
    };
    /** Waits until every sample has its events (or 5 s pass), then forgets them. */
    const settle = async (samples: Sample[]) => {
      const until = performance.now() + 5000;
      while (
        performance.now() < until &&
        samples.some((s) => s.remote === undefined || s.local === undefined)
      )
        await new Promise((r) => setTimeout(r, 20));
      inFlight.clear();
    };

    // Warm-up: every conversation once (JIT, pools, prepared plans), not measured.
    await Promise.all(visitors.map((v) => send(v, 0, [])));
    await settle([]);
    errors = 0;

    const report: Array<{ phase: string; samples: Sample[]; seconds: number; cpu: number[] }> = [];
    const cpuNow = () => [cpuMs(a.child.pid), cpuMs(b.child.pid), process.cpuUsage().user / 1000];

    // Burst: all visitors at once, `rounds` times.
    {
      const samples: Sample[] = [];
      const cpu0 = cpuNow();
      const t0 = performance.now();
      for (let r = 1; r <= rounds; r++) {
        await Promise.all(visitors.map((v) => send(v, r, samples)));
        await settle(samples);
      }
      const seconds = (performance.now() - t0) / 1000;
      report.push({ phase: "burst", samples, seconds, cpu: cpuNow().map((c, i) => c - cpu0[i]!) });
    }

    // Steady: random arrivals at `rate` messages/s in all (Poisson), for `duration` seconds.
    {
      const samples: Sample[] = [];
      const cpu0 = cpuNow();
      const t0 = performance.now();
      const pending: Promise<void>[] = [];
      let next = t0;
      let n = 0;
      while (next < t0 + duration * 1000) {
        const wait = next - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const v = visitors[Math.floor(Math.random() * visitors.length)]!;
        pending.push(send(v, 1000 + n++, samples));
        next += (-Math.log(1 - Math.random()) / rate) * 1000;
      }
      await Promise.all(pending);
      await settle(samples);
      const seconds = (performance.now() - t0) / 1000;
      report.push({ phase: "steady", samples, seconds, cpu: cpuNow().map((c, i) => c - cpu0[i]!) });
    }

    console.log(
      `MiniChat realtime across nodes — ${conversations} conversations (widget, built-in responder), ` +
        `visitors spread over nodes A and B, operator socket on the other node; load average ${loadavg()[0]!.toFixed(1)}`,
    );
    const rows: string[] = [];
    for (const r of report) {
      const lat = (k: "remote" | "local") =>
        r.samples
          .filter((s) => s[k] !== undefined)
          .map((s) => s[k]! - s.sentAt)
          .sort((x, y) => x - y);
      const remoteLat = lat("remote");
      const localLat = lat("local");
      const missed = r.samples.length - remoteLat.length;
      // The cross-node hop alone: how much later the other node's socket heard it than the same
      // node's (Redis PUBLISH, the other node's decode and socket write).
      const hop = r.samples
        .filter((s) => s.remote !== undefined && s.local !== undefined)
        .map((s) => s.remote! - s.local!)
        .sort((x, y) => x - y);
      const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
      const what =
        r.phase === "burst"
          ? `burst: ${conversations} at once × ${rounds}`
          : `steady: ${rate}/s for ${duration} s`;
      console.log(
        `${what.padEnd(28)} ${(r.samples.length / r.seconds).toFixed(0).padStart(5)} msg/s  ` +
          `other node p50 ${fmt(percentile(remoteLat, 50))}  p95 ${fmt(percentile(remoteLat, 95))}  p99 ${fmt(percentile(remoteLat, 99))}  ` +
          `max ${fmt(remoteLat.at(-1) ?? Number.NaN)}  (same node p99 ${fmt(percentile(localLat, 99))}; hop p50 ${fmt(percentile(hop, 50))} p99 ${fmt(percentile(hop, 99))})  ` +
          `missed ${missed}  errors ${errors}` +
          `\n${"".padEnd(29)}CPU per message: node A ${(r.cpu[0]! / r.samples.length).toFixed(2)} ms, node B ${(r.cpu[1]! / r.samples.length).toFixed(2)} ms` +
          (firstError ? `\n  first error: ${firstError}` : ""),
      );
      rows.push(
        `| ${what} | ${r.samples.length} | ${(r.samples.length / r.seconds).toFixed(0)} | ${fmt(percentile(remoteLat, 50))} | ` +
          `${fmt(percentile(remoteLat, 95))} | ${fmt(percentile(remoteLat, 99))} | ${fmt(percentile(localLat, 99))} | ${fmt(percentile(hop, 50))} / ${fmt(percentile(hop, 99))} | ${missed + errors} | ` +
          `${(r.cpu[0]! / r.samples.length).toFixed(2)} / ${(r.cpu[1]! / r.samples.length).toFixed(2)} ms |`,
      );
    }
    console.log(
      "\n| phase | messages | msg/s | p50 | p95 | p99 | p99 same node | hop p50 / p99 | missed + errors | CPU/msg node A / B |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const row of rows) console.log(row);
  } finally {
    for (const s of sockets) s.close();
    agent.destroy();
    await Promise.all([stopNode(a), stopNode(b)]);
    await adminDb.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await adminDb.end();
  }
}

await main();
