// Baseline HTTP throughput of the foundation: liveness, an authenticated workspace list
// (session lookup + membership query) and an API-key request (hash lookup + scope check).
// Run: npm run bench            (embedded PGlite)
//      BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import { pino } from "pino";
import { buildApp } from "../apps/server/src/app.ts";
import { loadConfig } from "../apps/server/src/platform/config.ts";
import { openPglite, openPostgres } from "../apps/server/src/platform/db/client.ts";
import { runMigrations } from "../apps/server/src/platform/db/migrate.ts";

const seconds = Number(process.argv[2] ?? 10);
const pgUrl = process.env.BENCH_DATABASE_URL;
let dbName: string | undefined;
let database: Awaited<ReturnType<typeof openPglite>>;
if (pgUrl) {
  dbName = `mc_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(pgUrl);
  u.pathname = `/${dbName}`;
  database = await openPostgres(u.toString(), { max: 10 });
} else {
  database = await openPglite({});
}
await runMigrations(database);
const config = loadConfig({
  SECRET_KEY: "bench-secret-0123456789-0123456789-0123456789",
  LOG_LEVEL: "silent",
  RATE_LIMIT_MAX: "100000000",
  DATA_DIR: "/tmp/minichat-bench",
});
const app = await buildApp({ config, database, loggerInstance: pino({ level: "silent" }) });
const address = await app.listen({ port: 0, host: "127.0.0.1" });

const signUp = await app.inject({
  method: "POST",
  url: "/api/auth/sign-up/email",
  payload: { email: "bench@example.com", password: "violet-harbor-lantern-42", name: "Bench" },
});
const token = String(signUp.headers["set-auth-token"]);
const ws = await app.inject({
  method: "POST",
  url: "/api/v1/workspaces",
  headers: { authorization: `Bearer ${token}` },
  payload: { name: "Bench" },
});
const wsId = ws.json().id as string;
const key = await app.inject({
  method: "POST",
  url: `/api/v1/workspaces/${wsId}/api-keys`,
  headers: { authorization: `Bearer ${token}` },
  payload: { name: "bench" },
});
const apiKey = key.json().key as string;

async function run(title: string, path: string, headers: Record<string, string> = {}) {
  const r = await autocannon({ url: `${address}${path}`, connections: 10, duration: seconds, headers });
  const line = `${title.padEnd(40)} ${String(Math.round(r.requests.average)).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${r.errors + r.non2xx}`;
  console.log(line);
}

console.log(`MiniChat HTTP baseline — ${pgUrl ? "PostgreSQL" : "PGlite"}, 10 connections, ${seconds}s each`);
await run("GET /healthz", "/healthz");
await run("GET /api/v1/workspaces (session)", "/api/v1/workspaces", { authorization: `Bearer ${token}` });
await run("GET /api/v1/workspaces/:id (API key)", `/api/v1/workspaces/${wsId}`, {
  authorization: `Bearer ${apiKey}`,
});

await app.close();
await database.close();
if (dbName && pgUrl) {
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
  await admin.end();
}
