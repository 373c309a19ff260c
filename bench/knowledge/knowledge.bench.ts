// Knowledge benchmark (issue 4): ingestion throughput and lexical search latency, on PGlite and
// PostgreSQL. Budget: a 100-page text PDF ready in ≤ 10 s; lexical search p95 ≤ 50 ms at 100k
// chunks on PostgreSQL.
//
// Run: npm run bench:knowledge                               (PGlite)
//      npm run bench:knowledge -- --postgres                 (PGlite, then PostgreSQL)
//      BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:knowledge
// Options (or env): --db pglite|postgres (skip the other), --only ingest|search,
//      --chunks 10000,100000 (BENCH_CHUNKS: the corpus sizes searched, ascending),
//      --queries 300 (BENCH_QUERIES: measured searches per agent and size),
//      --keep (leave the PostgreSQL database or PGlite data directory in place, to study plans).
//
// Everything goes through the real app: buildApp with pg-boss workers started as `minichat
// start` starts them (startWorkers), no embedding model (lexical only, so "excluding embedding
// calls" holds by construction), PGlite on disk in a temporary data directory as embedded mode
// runs it, PostgreSQL in a fresh `minichat_bench_*` database dropped afterwards.
//
// Ingestion: files are uploaded with POST …/sources (multipart, API key) and timed from the
// request to the source's `ready` event (knowledge.source_status) — queue pick-up (pg-boss polls
// every 0.5 s), parsing in its worker thread, chunking, Thai segmentation and indexing included.
// Search: the corpus is filled with many sources of mixed English, Russian and Thai for ten
// agents in three workspaces (bench/knowledge/populate.ts: the ingestion code's rows, written
// with knowledge.repo.ts), then customer questions in the three languages are sent one at a time
// to POST …/knowledge/search (Fastify inject: routing, API-key auth, validation, searchKnowledge
// and serialisation — no socket), for the largest agent and for a typical one.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { pino } from "pino";
import { buildApp } from "../../apps/server/src/app.ts";
import { ftsQuery } from "../../apps/server/src/modules/knowledge/fts-text.ts";
import { parseFile } from "../../apps/server/src/modules/knowledge/parse-file.ts";
import { loadConfig } from "../../apps/server/src/platform/config.ts";
import { type Database, openPglite, openPostgres } from "../../apps/server/src/platform/db/client.ts";
import { runMigrations } from "../../apps/server/src/platform/db/migrate.ts";
import { startWorkers } from "../../apps/server/src/workers.ts";
import { makeTextPdf } from "../../apps/server/test/make-pdf.ts";
import { option, percentile } from "../bench-options.ts";
import { type Lang, makeArticle, makePdfPage, makeQuestions } from "./corpus.ts";
import { populate, type Tenant } from "./populate.ts";

type App = Awaited<ReturnType<typeof buildApp>>;

const MB = 1024 * 1024;
const LANG_NAME: Record<Lang, string> = { en: "English", ru: "Russian", th: "Thai" };
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const log = (line: string) => console.log(line);

const pgUrl =
  process.env.BENCH_DATABASE_URL ??
  (process.argv.includes("--postgres") ? "postgres://postgres@127.0.0.1:5432/postgres" : undefined);
const onlyDb = option("db", "BENCH_DB", "");
const only = option("only", "BENCH_ONLY", "");
const sizes = option("chunks", "BENCH_CHUNKS", "10000,100000")
  .split(",")
  .map(Number)
  .sort((a, b) => a - b);
const queriesPerCase = Number(option("queries", "BENCH_QUERIES", "300"));
const keep = process.argv.includes("--keep");

const ingestRows: string[] = [];
const searchRows: string[] = [];

// ── the app under test ───────────────────────────────────────────────────────────────────────

type Harness = {
  kind: "pglite" | "postgres";
  label: string;
  database: Database;
  app: App;
  onStatus(sourceId: string): Promise<{ status: string; error: string | null }>;
  close(): Promise<void>;
};

async function start(kind: "pglite" | "postgres"): Promise<Harness> {
  let database: Database;
  let dbName: string | undefined;
  let dataDir: string | undefined;
  const env: Record<string, string> = {
    SECRET_KEY: "bench-secret-0123456789-0123456789-0123456789",
    LOG_LEVEL: "silent",
    RATE_LIMIT_MAX: "100000000",
    AUTH_RATE_LIMIT_MAX: "100000",
    DATA_DIR: "/tmp/minichat-bench",
    // The platform is measured, not plan limits: ten agents and 100k chunks are over the free plan's.
    DEFAULT_PLAN: "enterprise",
  };
  if (kind === "postgres") {
    dbName = `minichat_bench_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(pgUrl!);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
    database = await openPostgres(u.toString());
  } else {
    // On disk, as embedded mode runs (DATA_DIR/pg): 100k passages do not sit in memory.
    dataDir = mkdtempSync(join(tmpdir(), "minichat-bench-knowledge-"));
    database = await openPglite({ dataDir: join(dataDir, "pg") });
  }
  await runMigrations(database);
  const config = loadConfig(env);
  const logger = pino({ level: "silent" });
  const { jobs, mailer, events } = await startWorkers(database, config, logger);
  const app = await buildApp({ config, database, jobs, mailer, events, loggerInstance: logger });
  await app.ready();
  const waiting = new Map<string, (e: { status: string; error: string | null }) => void>();
  const early = new Map<string, { status: string; error: string | null }>();
  events.on("knowledge.source_status", (e) => {
    if (e.status !== "ready" && e.status !== "failed") return;
    const resolve = waiting.get(e.sourceId);
    if (resolve) resolve(e);
    else early.set(e.sourceId, e);
  });
  return {
    kind,
    label: kind === "pglite" ? "PGlite" : "PostgreSQL",
    database,
    app,
    onStatus: (sourceId) =>
      new Promise((resolve) => {
        const seen = early.get(sourceId);
        if (seen) resolve(seen);
        else waiting.set(sourceId, resolve);
      }),
    async close() {
      await app.close();
      await jobs.stop(5000);
      mailer.close();
      await database.close();
      if (dataDir && keep) log(`\nkept PGlite data directory ${join(dataDir, "pg")} (--keep)`);
      else if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (dbName && keep) log(`\nkept database ${dbName} (--keep)`);
      else if (dbName) {
        const admin = new pg.Client({ connectionString: pgUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
        await admin.end();
      }
    },
  };
}

async function api<T = Record<string, unknown>>(
  app: App,
  method: "GET" | "POST",
  url: string,
  auth: string,
  payload?: object,
): Promise<T> {
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${auth}` },
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

type Owner = { token: string };
async function signUp(app: App): Promise<Owner> {
  const res = await app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    payload: {
      email: `bench-${randomBytes(4).toString("hex")}@example.com`,
      password: "violet-harbor-lantern-42",
      name: "Bench",
    },
  });
  if (res.statusCode !== 200) throw new Error(`sign-up: ${res.statusCode} ${res.body}`);
  return { token: String(res.headers["set-auth-token"]) };
}

async function workspace(app: App, owner: Owner, name: string, agents: number) {
  const wsId = (await api(app, "POST", "/api/v1/workspaces", owner.token, { name })).id as string;
  const apiKey = (
    await api(app, "POST", `/api/v1/workspaces/${wsId}/api-keys`, owner.token, { name: "bench" })
  ).key as string;
  const agentIds: string[] = [];
  for (let i = 0; i < agents; i++) {
    agentIds.push(
      (
        await api(app, "POST", `/api/v1/workspaces/${wsId}/agents`, owner.token, {
          name: `Agent ${i + 1}`,
          provider: "builtin",
        })
      ).id as string,
    );
  }
  return { wsId, apiKey, agentIds };
}

/** A multipart/form-data body with one file, as a browser's FormData sends it. */
function multipart(filename: string, content: Buffer, type: string) {
  const boundary = `----minichat${randomBytes(8).toString("hex")}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Upload → ready, through the API and the ingestion job. */
async function uploadUntilReady(
  h: Harness,
  ws: { wsId: string; apiKey: string; agentIds: string[] },
  filename: string,
  content: Buffer,
  type: string,
) {
  const body = multipart(filename, content, type);
  const t0 = performance.now();
  const res = await h.app.inject({
    method: "POST",
    url: `/api/v1/workspaces/${ws.wsId}/agents/${ws.agentIds[0]}/sources`,
    headers: { authorization: `Bearer ${ws.apiKey}`, "content-type": body.contentType },
    payload: body.payload,
  });
  if (res.statusCode !== 202) throw new Error(`upload ${filename}: ${res.statusCode} ${res.body}`);
  const id = res.json().id as string;
  const outcome = await h.onStatus(id);
  const seconds = (performance.now() - t0) / 1000;
  if (outcome.status !== "ready") throw new Error(`${filename} ${outcome.status}: ${outcome.error}`);
  const source = await api(
    h.app,
    "GET",
    `/api/v1/workspaces/${ws.wsId}/agents/${ws.agentIds[0]}/sources/${id}`,
    ws.apiKey,
  );
  return { seconds, chunks: source.chunkCount as number };
}

// ── ingestion ────────────────────────────────────────────────────────────────────────────────

async function benchIngestion(h: Harness) {
  const owner = await signUp(h.app);
  const ws = await workspace(h.app, owner, "Ingestion", 1);
  log(`\n${h.label}: ingestion (upload → ready, pg-boss worker, no embedding model)`);

  // A 100-page text PDF per language, about 2,800 characters a page with headings.
  for (const [i, lang] of (["en", "ru", "th"] as Lang[]).entries()) {
    const pages = Array.from({ length: 100 }, (_, p) => makePdfPage(lang, p + 1, 9000 + i));
    const pdf = await makeTextPdf(pages);
    const parse0 = performance.now();
    await parseFile({ kind: "pdf", filename: "manual.pdf", content: pdf });
    const parseSeconds = (performance.now() - parse0) / 1000;
    const { seconds, chunks } = await uploadUntilReady(h, ws, `manual-${lang}.pdf`, pdf, "application/pdf");
    log(
      `  PDF 100 pages (${LANG_NAME[lang]}, ${(pdf.length / MB).toFixed(2)} MB, ${chunks} chunks): ready in ${seconds.toFixed(2)} s ` +
        `= ${(100 / seconds).toFixed(0)} pages/s; parsing alone ${parseSeconds.toFixed(2)} s = ${(100 / parseSeconds).toFixed(0)} pages/s` +
        ` (budget ≤ 10 s: ${seconds <= 10 ? "met" : "MISSED"})`,
    );
    ingestRows.push(
      `| ${h.label} | PDF, 100 pages, ${LANG_NAME[lang]} (${(pdf.length / MB).toFixed(1)} MB) | ${chunks} | ${seconds.toFixed(2)} s | ` +
        `${(100 / seconds).toFixed(0)} pages/s (parsing alone ${(100 / parseSeconds).toFixed(0)} pages/s) | ${seconds <= 10 ? "met" : "**missed**"} |`,
    );
  }

  // Markdown files of about 2 MB (UTF-8 bytes) per language.
  for (const [i, lang] of (["en", "ru", "th"] as Lang[]).entries()) {
    const parts: string[] = [];
    let bytes = 0;
    for (let n = 0; bytes < 2 * MB; n++) {
      const article = makeArticle(lang, 4_000 + ((n * 7919) % 20_000), 7000 + i * 1000 + n);
      parts.push(article);
      bytes += Buffer.byteLength(article) + 2;
    }
    const md = Buffer.from(parts.join("\n\n"));
    const { seconds, chunks } = await uploadUntilReady(h, ws, `handbook-${lang}.md`, md, "text/markdown");
    const perMin = (md.length / MB / seconds) * 60;
    log(
      `  Markdown ${(md.length / MB).toFixed(2)} MB (${LANG_NAME[lang]}, ${chunks} chunks): ready in ${seconds.toFixed(2)} s = ${perMin.toFixed(0)} MB/min`,
    );
    ingestRows.push(
      `| ${h.label} | Markdown, ${LANG_NAME[lang]} (${(md.length / MB).toFixed(1)} MB) | ${chunks} | ${seconds.toFixed(2)} s | ${perMin.toFixed(0)} MB/min | — |`,
    );
  }
}

// ── search ───────────────────────────────────────────────────────────────────────────────────

/** Ten agents in three workspaces; one large agent, the rest between 5 and 10 % each. */
const LAYOUT: { ws: number; share: number; langs: Lang[] }[] = [
  { ws: 0, share: 0.4, langs: ["en", "en", "ru", "th"] },
  { ws: 0, share: 0.05, langs: ["en"] },
  { ws: 1, share: 0.1, langs: ["ru"] },
  { ws: 1, share: 0.1, langs: ["th", "en", "ru"] },
  { ws: 1, share: 0.05, langs: ["en"] },
  { ws: 2, share: 0.05, langs: ["ru", "en"] },
  { ws: 2, share: 0.1, langs: ["th"] },
  { ws: 2, share: 0.05, langs: ["en"] },
  { ws: 2, share: 0.05, langs: ["en", "ru", "th"] },
  { ws: 2, share: 0.05, langs: ["en"] },
];

async function benchSearch(h: Harness) {
  const owner = await signUp(h.app);
  const spaces = [
    await workspace(h.app, owner, "Tenant A", 2),
    await workspace(h.app, owner, "Tenant B", 3),
    await workspace(h.app, owner, "Tenant C", 5),
  ];
  const used = [0, 0, 0];
  const tenants: (Tenant & { apiKey: string })[] = LAYOUT.map((l) => {
    const s = spaces[l.ws]!;
    return {
      workspaceId: s.wsId,
      agentId: s.agentIds[used[l.ws]!++]!,
      apiKey: s.apiKey,
      share: l.share,
      langs: l.langs,
      chunks: 0,
      sources: 0,
    };
  });
  // The largest agent and a typical one (10 %), both with sources in all three languages.
  const cases = [
    { title: "largest agent (40 %, EN/RU/TH)", tenant: tenants[0]! },
    { title: "typical agent (10 %, TH/EN/RU)", tenant: tenants[3]! },
  ];
  const questions = (["en", "ru", "th"] as Lang[]).map((lang, i) => makeQuestions(lang, 40, 500 + i));

  for (const size of sizes) {
    const t0 = performance.now();
    log(`\n${h.label}: populating ${size.toLocaleString("en-US")} chunks …`);
    await populate(h.database.db, tenants, size, {
      parallel: h.kind === "postgres" ? 3 : 1,
      progress: (done, total) => {
        const s = (performance.now() - t0) / 1000;
        log(`  ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} chunks, ${s.toFixed(0)} s`);
      },
    });
    const sources = tenants.reduce((n, t) => n + t.sources, 0);
    const chunks = tenants.reduce((n, t) => n + t.chunks, 0);
    // PostgreSQL's autovacuum analyses a table this changed within a minute; say it now. PGlite
    // has no autovacuum: embedded mode runs on no statistics at all, so it is measured as it is
    // and, at the largest size, once more after ANALYZE.
    if (h.kind === "postgres") await analyze(h);
    log(
      `  ${chunks.toLocaleString("en-US")} chunks in ${sources.toLocaleString("en-US")} sources, ` +
        `${((performance.now() - t0) / 1000).toFixed(0)} s; ${await tableSizes(h)}`,
    );
    const states =
      h.kind === "pglite"
        ? size === sizes.at(-1)
          ? ["never analysed", "after ANALYZE"]
          : ["never analysed"]
        : [""];
    for (const state of states) {
      if (state === "after ANALYZE") log(`  ANALYZE took ${(await analyze(h)).toFixed(0)} ms`);
      const label = state ? `${h.label}, ${state}` : h.label;
      for (const c of cases) {
        const budget = h.kind === "postgres" && size >= 100_000 && c.tenant === tenants[0];
        await measureSearch(h, { label, chunks, title: c.title, tenant: c.tenant, questions, budget });
      }
    }
  }
}

async function analyze(h: Harness): Promise<number> {
  const t = performance.now();
  await h.database.query("analyze knowledge_chunks");
  await h.database.query("analyze knowledge_sources");
  return performance.now() - t;
}

/** Questions one at a time through POST …/knowledge/search, after a warm-up round of each. */
async function measureSearch(
  h: Harness,
  c: {
    label: string;
    chunks: number;
    title: string;
    tenant: Tenant & { apiKey: string };
    questions: string[][];
    budget: boolean;
  },
) {
  const url = `/api/v1/workspaces/${c.tenant.workspaceId}/agents/${c.tenant.agentId}/knowledge/search`;
  const all = c.questions.flat();
  const order = Array.from(
    { length: queriesPerCase },
    (_, i) => c.questions[i % 3]![Math.floor(i / 3) % 40]!,
  );
  // Warm-up: every question once (pages in the buffer cache, code paths optimised).
  for (const q of all) await api(h.app, "POST", url, c.tenant.apiKey, { query: q });
  const byLang: number[][] = [[], [], []];
  const latencies: number[] = [];
  let empty = 0;
  for (const [i, q] of order.entries()) {
    const t = performance.now();
    const res = await api<{ results: unknown[] }>(h.app, "POST", url, c.tenant.apiKey, { query: q });
    const ms = performance.now() - t;
    latencies.push(ms);
    byLang[i % 3]!.push(ms);
    if (res.results.length === 0) empty++;
  }
  const matched = await matchedShare(h, c.tenant, all);
  const s = latencies.sort((a, b) => a - b);
  const langP95 = byLang.map((l) =>
    percentile(
      l.sort((a, b) => a - b),
      95,
    ),
  );
  const p95 = percentile(s, 95);
  log(
    `  ${c.label}: ${c.title} (${c.tenant.chunks.toLocaleString("en-US")} chunks): ${s.length} searches  ` +
      `p50 ${fmtMs(percentile(s, 50))} ms  p95 ${fmtMs(p95)} ms  p99 ${fmtMs(percentile(s, 99))} ms  ` +
      `max ${fmtMs(s.at(-1)!)} ms  (p95 EN ${fmtMs(langP95[0]!)} / RU ${fmtMs(langP95[1]!)} / TH ${fmtMs(langP95[2]!)} ms); ` +
      `no result ${empty}; a question matches ${matched} of the agent's chunks (median); load ${loadavg()[0]!.toFixed(1)}` +
      (c.budget ? `  (budget p95 ≤ 50 ms: ${p95 <= 50 ? "met" : "MISSED"})` : ""),
  );
  searchRows.push(
    `| ${c.label} | ${c.chunks.toLocaleString("en-US")} | ${c.title}: ${c.tenant.chunks.toLocaleString("en-US")} | ${matched} | ` +
      `${fmtMs(percentile(s, 50))} ms | ${fmtMs(p95)} ms | ${fmtMs(percentile(s, 99))} ms | ` +
      `${fmtMs(langP95[0]!)} / ${fmtMs(langP95[1]!)} / ${fmtMs(langP95[2]!)} ms | ` +
      `${c.budget ? (p95 <= 50 ? "met" : "**missed**") : "—"} |`,
  );
}

async function tableSizes(h: Harness): Promise<string> {
  const [row] = await h.database.query<{ table: string; indexes: string }>(
    `select pg_size_pretty(pg_table_size('knowledge_chunks')) as table,
            pg_size_pretty(pg_indexes_size('knowledge_chunks')) as indexes`,
  );
  return `knowledge_chunks ${row!.table} + indexes ${row!.indexes}`;
}

/** Any of the question's words, in the three configurations (what a chunk must match to be found at all). */
const TSQUERY = `(websearch_to_tsquery('english', $3) || websearch_to_tsquery('russian', $3) || websearch_to_tsquery('simple', $3))`;

/** Median share of the agent's chunks a question matches in full-text search: how much work ranking has. */
async function matchedShare(h: Harness, t: Tenant, questions: string[]): Promise<string> {
  const counts: number[] = [];
  for (const q of questions) {
    const [row] = await h.database.query<{ n: string }>(
      `select count(*) as n from knowledge_chunks where workspace_id = $1 and agent_id = $2 and tsv @@ ${TSQUERY}`,
      [t.workspaceId, t.agentId, ftsQuery(q)],
    );
    counts.push(Number(row!.n));
  }
  const median = percentile(
    counts.sort((a, b) => a - b),
    50,
  );
  return `${((median / t.chunks) * 100).toFixed(0)} %`;
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────

const databases: ("pglite" | "postgres")[] = [];
if (onlyDb !== "postgres") databases.push("pglite");
if (pgUrl && onlyDb !== "pglite") databases.push("postgres");
if (databases.length === 0) throw new Error("--db postgres needs --postgres or BENCH_DATABASE_URL");

log(
  `MiniChat knowledge benchmark — ${databases.join(", ")}; search at ${sizes.map((s) => s.toLocaleString("en-US")).join(" and ")} chunks, ` +
    `${queriesPerCase} searches per case; load average ${loadavg()[0]!.toFixed(1)}`,
);
for (const kind of databases) {
  const h = await start(kind);
  try {
    if (only !== "search") await benchIngestion(h);
    if (only !== "ingest") await benchSearch(h);
  } finally {
    await h.close();
  }
}
if (ingestRows.length) {
  log(
    "\n| database | source | chunks | upload → ready | throughput | budget (PDF ≤ 10 s) |\n|---|---|---:|---:|---:|---|",
  );
  for (const r of ingestRows) log(r);
}
if (searchRows.length) {
  log(
    "\n| database | chunks (all tenants) | agent: its chunks | a question matches (median) | p50 | p95 | p99 | p95 EN / RU / TH | budget (p95 ≤ 50 ms) |" +
      "\n|---|---:|---|---:|---:|---:|---:|---:|---|",
  );
  for (const r of searchRows) log(r);
}
