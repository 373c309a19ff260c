// Conversation-turn throughput and latency through the public API: N virtual users, each with
// its own conversation, send messages in a loop (POST /api/v1/conversations/:id/messages, JSON)
// to (a) an agent on the built-in responder and (b) an agent on an instant local fake OpenAI
// server. Budget (issue 3): ≥ 300 turns/s on PGlite, ≥ 800 turns/s on PostgreSQL at
// concurrency 32, p99 ≤ 100 ms of platform overhead.
//
// Run: npm run bench:chat                                   (PGlite)
//      npm run bench:chat -- --postgres                     (PGlite, then PostgreSQL)
//      BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:chat
// Options (or env): --concurrency 32 (BENCH_CONCURRENCY), --duration 10 (BENCH_DURATION, s),
//      --warmup 3 (BENCH_WARMUP, s), --only builtin|openai, --db pglite|postgres (skip the other),
//      --count-queries (also print the SQL statements one turn runs, per scenario).
//
// Three threads so the measurement does not steal the server's event loop: the app (with
// PGlite, which runs in-process) on the main thread, the load generator (node:http keep-alive
// clients) in one worker, the fake OpenAI server in another. The fake answers at once, so the
// model's own time is ~0 and request latency ≈ platform overhead (the HTTP round trip to the
// fake and the AI SDK's work included — that is the platform's cost of calling a model).
// Also printed, per turn over the measured window: the CPU time of the app's thread (1000 / it
// is what one dedicated core could do) and of the PostgreSQL backends serving the app's pool;
// unlike turns/s these barely move when other processes compete for the machine.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { loadavg } from "node:os";
import type { EventLoopUtilization } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { option, percentile } from "./bench-options.ts";

type LoadJob = {
  origin: string;
  apiKey: string;
  conversationIds: string[];
  warmupMs: number;
  durationMs: number;
  message: string;
};
type LoadResult = {
  turns: number;
  seconds: number;
  latencies: number[];
  errors: number;
  failedAnswers: number;
  firstError: string | null;
};

if (isMainThread) {
  await main();
} else if (workerData.role === "fake") {
  await fakeWorker();
} else {
  await loadWorker(workerData.job as LoadJob);
}

// ── load generator (worker thread) ───────────────────────────────────────────────────────────

async function loadWorker(job: LoadJob): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.conversationIds.length });
  const target = new URL(job.origin);
  const post = (conversationId: string, body: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: "POST",
          path: `/api/v1/conversations/${conversationId}/messages`,
          headers: {
            authorization: `Bearer ${job.apiKey}`,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  const start = performance.now();
  const measureFrom = start + job.warmupMs;
  const measureTo = measureFrom + job.durationMs;
  // The main thread samples its own CPU time (and PostgreSQL's) at these two marks.
  setTimeout(() => parentPort!.postMessage({ phase: "measure-start" }), job.warmupMs);
  setTimeout(() => parentPort!.postMessage({ phase: "measure-end" }), job.warmupMs + job.durationMs);
  const latencies: number[] = [];
  let errors = 0;
  let failedAnswers = 0;
  let firstError: string | null = null;

  async function virtualUser(conversationId: string, vu: number) {
    let n = 0;
    while (performance.now() < measureTo) {
      const body = JSON.stringify({ content: `${job.message} (user ${vu}, turn ${n++})` });
      const t0 = performance.now();
      let ok = false;
      let answerFailed = false;
      try {
        const res = await post(conversationId, body);
        ok = res.status === 200;
        if (ok) answerFailed = JSON.parse(res.body).message?.status !== "complete";
        else firstError ??= `HTTP ${res.status} ${res.body.slice(0, 200)}`;
      } catch (err) {
        firstError ??= String(err);
      }
      const t1 = performance.now();
      // Throughput and latency over the turns that completed inside the measurement window.
      if (t1 >= measureFrom && t1 <= measureTo) {
        if (!ok) errors++;
        else {
          latencies.push(t1 - t0);
          if (answerFailed) failedAnswers++;
        }
      }
    }
  }
  await Promise.all(job.conversationIds.map((id, i) => virtualUser(id, i)));
  agent.destroy();
  const result: LoadResult = {
    turns: latencies.length,
    seconds: job.durationMs / 1000,
    latencies,
    errors,
    failedAnswers,
    firstError,
  };
  parentPort!.postMessage({ phase: "done", result });
}

// ── fake OpenAI server (worker thread) ───────────────────────────────────────────────────────

async function fakeWorker(): Promise<void> {
  const { startFakeOpenAI } = await import("../apps/server/test/fake-llm.ts");
  const fake = await startFakeOpenAI();
  // Record nothing: the bench sends tens of thousands of requests.
  const requests = fake.requests;
  const trim = setInterval(() => requests.splice(0), 1000);
  parentPort!.postMessage({ url: fake.url, apiKey: fake.apiKey });
  parentPort!.once("message", async () => {
    clearInterval(trim);
    await fake.close();
    parentPort!.postMessage("closed");
  });
}

function startWorker<T>(
  data: unknown,
  onMessage?: (m: { phase?: string; result?: unknown }) => void,
): { worker: Worker; first: Promise<T> } {
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  const first = new Promise<T>((resolve, reject) => {
    if (onMessage) {
      worker.on("message", (m) => {
        onMessage(m);
        if (m?.phase === "done") resolve(m.result as T);
      });
    } else worker.once("message", resolve);
    worker.once("error", reject);
  });
  return { worker, first };
}

/** CPU time (ms) PostgreSQL's backends serving `pids` have used so far (Linux /proc; else NaN). */
function backendCpuMs(pids: number[]): number {
  const tick = 10; // USER_HZ = 100 on Linux
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * tick; // utime + stime
    } catch {
      return Number.NaN;
    }
  }
  return total;
}

// ── the app under test (main thread) ─────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const [{ default: pg }, { pino }, { buildApp }, { loadConfig }, dbClient, { runMigrations }] =
    await Promise.all([
      import("pg"),
      import("pino"),
      import("../apps/server/src/app.ts"),
      import("../apps/server/src/platform/config.ts"),
      import("../apps/server/src/platform/db/client.ts"),
      import("../apps/server/src/platform/db/migrate.ts"),
    ]);

  const concurrency = Number(option("concurrency", "BENCH_CONCURRENCY", "32"));
  const seconds = Number(option("duration", "BENCH_DURATION", "10"));
  const warmup = Number(option("warmup", "BENCH_WARMUP", "3"));
  const only = option("only", "BENCH_ONLY", "");
  const onlyDb = option("db", "BENCH_DB", "");
  const countQueries = process.argv.includes("--count-queries");
  const pgUrl =
    process.env.BENCH_DATABASE_URL ??
    (process.argv.includes("--postgres") ? "postgres://postgres@127.0.0.1:5432/postgres" : undefined);

  // --count-queries: every statement the app sends, whichever engine (bench-side instrumentation).
  let recording: string[] | null = null;
  if (countQueries) {
    const { PGlite } = await import("@electric-sql/pglite");
    const record = (q: unknown) => {
      const text = typeof q === "string" ? q : ((q as { text?: string })?.text ?? "?");
      recording?.push(text.replace(/\s+/g, " ").slice(0, 160));
    };
    const wrap = (target: Record<string, unknown>, method: string) => {
      const original = target[method] as (...args: unknown[]) => unknown;
      target[method] = function (this: unknown, ...args: unknown[]) {
        record(args[0]);
        return original.apply(this, args);
      };
    };
    wrap(pg.Client.prototype as never, "query");
    wrap(PGlite.prototype as never, "query");
    wrap(PGlite.prototype as never, "exec");
    // PGlite runs a transaction's statements on a separate handle, with BEGIN/COMMIT inside.
    const transaction = PGlite.prototype.transaction;
    PGlite.prototype.transaction = function (this: InstanceType<typeof PGlite>, fn) {
      return transaction.call(this, (tx) => {
        record("BEGIN");
        wrap(tx as never, "query");
        wrap(tx as never, "exec");
        return fn(tx).finally(() => record("COMMIT"));
      });
    } as typeof transaction;
  }

  const fakeWorkerHandle = startWorker<{ url: string; apiKey: string }>({ role: "fake" });
  const fake = await fakeWorkerHandle.first;

  const databases: Array<"pglite" | "postgres"> = [];
  if (onlyDb !== "postgres") databases.push("pglite");
  if (pgUrl && onlyDb !== "pglite") databases.push("postgres");

  console.log(
    `MiniChat conversation turns — concurrency ${concurrency}, ${warmup}s warm-up + ${seconds}s per scenario, ` +
      `POST /api/v1/conversations/:id/messages (JSON), one conversation per virtual user`,
  );
  const rows: string[] = [];
  for (const kind of databases) {
    let dbName: string | undefined;
    let database: Awaited<ReturnType<typeof dbClient.openPglite>>;
    if (kind === "postgres") {
      dbName = `minichat_bench_${randomBytes(4).toString("hex")}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
      const u = new URL(pgUrl!);
      u.pathname = `/${dbName}`;
      database = await dbClient.openPostgres(u.toString(), { max: 10 });
    } else {
      database = await dbClient.openPglite({});
    }
    try {
      await runMigrations(database);
      const config = loadConfig({
        SECRET_KEY: "bench-secret-0123456789-0123456789-0123456789",
        LOG_LEVEL: "silent",
        RATE_LIMIT_MAX: "100000000",
        DATA_DIR: "/tmp/minichat-bench",
        OPENAI_API_KEY: fake.apiKey,
        OPENAI_BASE_URL: fake.url,
        // The platform is measured, not the free plan's one-agent limit.
        DEFAULT_PLAN: "enterprise",
      });
      const app = await buildApp({ config, database, loggerInstance: pino({ level: "silent" }) });
      const origin = await app.listen({ port: 0, host: "127.0.0.1" });
      try {
        const inject = async (method: "GET" | "POST", url: string, auth: string, payload?: object) => {
          const res = await app.inject({
            method,
            url,
            headers: { authorization: `Bearer ${auth}` },
            ...(payload ? { payload } : {}),
          });
          if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
          return res.json();
        };
        const signUp = await app.inject({
          method: "POST",
          url: "/api/auth/sign-up/email",
          payload: { email: "bench@example.com", password: "violet-harbor-lantern-42", name: "Bench" },
        });
        const token = String(signUp.headers["set-auth-token"]);
        const wsId = (await inject("POST", "/api/v1/workspaces", token, { name: "Bench" })).id as string;
        const apiKey = (await inject("POST", `/api/v1/workspaces/${wsId}/api-keys`, token, { name: "bench" }))
          .key as string;
        const quickAnswers = [
          { question: "What are your opening hours?", answer: "We are open every day from 8am to 6pm." },
          { question: "Do you deliver?", answer: "Yes, we deliver within 5 km for free." },
          { question: "Do you have oat milk?", answer: "Yes, oat and almond milk cost 20 baht extra." },
        ];
        const scenarios = [
          {
            id: "builtin",
            title: "built-in responder",
            message: "What are your opening hours?",
            agent: { name: "Builtin", provider: "builtin", model: "builtin", quickAnswers, status: "live" },
          },
          {
            id: "openai",
            title: "fake OpenAI (instant)",
            message: "What are your opening hours?",
            agent: {
              name: "Model",
              provider: "openai",
              model: "gpt-4o-mini",
              instructions: "You are the barista of a small coffee shop. Be brief.",
              quickAnswers,
              status: "live",
            },
          },
        ].filter((s) => !only || s.id === only);

        for (const s of scenarios) {
          const agentId = (await inject("POST", `/api/v1/workspaces/${wsId}/agents`, token, s.agent))
            .id as string;
          const conversationIds: string[] = [];
          for (let i = 0; i < concurrency; i++) {
            conversationIds.push(
              (await inject("POST", "/api/v1/conversations", apiKey, { agentId, metadata: { vu: i } }))
                .id as string,
            );
          }
          if (countQueries) {
            recording = [];
            await inject("POST", `/api/v1/conversations/${conversationIds[0]}/messages`, apiKey, {
              content: s.message,
            });
            recording = [];
            await inject("POST", `/api/v1/conversations/${conversationIds[0]}/messages`, apiKey, {
              content: s.message,
            });
            console.log(`\n${kind} / ${s.title}: ${recording.length} statements in one turn`);
            for (const q of recording) console.log(`  ${q}`);
            recording = null;
          }
          // Backends of the app's pool (PostgreSQL runs in other processes; PGlite in this thread).
          const backendPids = async () =>
            kind === "postgres"
              ? (
                  await database.query<{ pid: number }>(
                    "select pid from pg_stat_activity where datname = current_database() and application_name = 'minichat'",
                  )
                ).map((r) => r.pid)
              : [];
          let mark:
            | { cpu: NodeJS.CpuUsage; elu: EventLoopUtilization; pgMs: number; pids: number[] }
            | undefined;
          let spent = { cpuMs: Number.NaN, elu: Number.NaN, pgMs: Number.NaN };
          const pending: Promise<void>[] = [];
          const load = startWorker<LoadResult>(
            {
              role: "load",
              job: {
                origin,
                apiKey,
                conversationIds,
                warmupMs: warmup * 1000,
                durationMs: seconds * 1000,
                message: s.message,
              } satisfies LoadJob,
            },
            (m) => {
              if (m.phase === "measure-start") {
                const cpu = process.threadCpuUsage();
                const elu = performance.eventLoopUtilization();
                pending.push(
                  backendPids().then((pids) => {
                    mark = { cpu, elu, pids, pgMs: backendCpuMs(pids) };
                  }),
                );
              } else if (m.phase === "measure-end" && mark) {
                const cpu = process.threadCpuUsage(mark.cpu);
                spent = {
                  cpuMs: (cpu.user + cpu.system) / 1000,
                  elu: performance.eventLoopUtilization(mark.elu).utilization,
                  pgMs: backendCpuMs(mark.pids) - mark.pgMs,
                };
              }
            },
          );
          const r = await load.first;
          await Promise.all(pending);
          await load.worker.terminate();
          const sorted = r.latencies.sort((a, b) => a - b);
          const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
          const line = {
            db: kind === "pglite" ? "PGlite" : "PostgreSQL",
            scenario: s.title,
            rate: r.turns / r.seconds,
            p50: percentile(sorted, 50),
            p95: percentile(sorted, 95),
            p99: percentile(sorted, 99),
            errors: r.errors,
          };
          // CPU the app's thread spent per turn: the ceiling of one dedicated core is 1000 / that.
          const cpuPerTurn = spent.cpuMs / Math.max(1, r.turns);
          const pgPerTurn = spent.pgMs / Math.max(1, r.turns);
          console.log(
            `${line.db.padEnd(10)} ${line.scenario.padEnd(22)} ${line.rate.toFixed(0).padStart(6)} turns/s  ` +
              `p50 ${fmt(line.p50)}  p95 ${fmt(line.p95)}  p99 ${fmt(line.p99)}  errors ${r.errors}` +
              (r.failedAnswers ? `  failed answers ${r.failedAnswers}` : "") +
              `\n${"".padEnd(34)}app thread ${cpuPerTurn.toFixed(2)} ms CPU/turn (event loop ${(spent.elu * 100).toFixed(0)}% busy)` +
              (kind === "postgres" ? `, PostgreSQL backends ${pgPerTurn.toFixed(2)} ms CPU/turn` : "") +
              `, load average ${loadavg()[0]!.toFixed(1)}` +
              (r.firstError ? `\n  first error: ${r.firstError}` : ""),
          );
          rows.push(
            `| ${line.db} | ${line.scenario} | ${Math.round(line.rate).toLocaleString("en-US")} | ` +
              `${Math.round(line.p50)} ms | ${Math.round(line.p95)} ms | ${Math.round(line.p99)} ms | ` +
              `${r.errors + r.failedAnswers} | ${cpuPerTurn.toFixed(2)} ms | ` +
              `${kind === "postgres" ? `${pgPerTurn.toFixed(2)} ms` : "—"} |`,
          );
        }
      } finally {
        await app.close();
      }
    } finally {
      await database.close();
      if (dbName) {
        const admin = new pg.Client({ connectionString: pgUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
        await admin.end();
      }
    }
  }
  console.log(
    "\n| database | agent | turns/s | p50 | p95 | p99 | errors | app CPU/turn | PostgreSQL CPU/turn |" +
      "\n|---|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const row of rows) console.log(row);
  console.log("\nThe fake model answers instantly, so request latency ≈ platform overhead (LLM time ~0).");

  fakeWorkerHandle.worker.postMessage("close");
  await new Promise((resolve) => fakeWorkerHandle.worker.once("message", resolve));
  await fakeWorkerHandle.worker.terminate();
}
