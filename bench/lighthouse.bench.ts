// Lighthouse on the dashboard's sign-in page and the inbox (signed in, with conversations), in
// Debian's Chromium. Budget (issue 6): performance and accessibility ≥ 90 on both.
//
// Run: npm run bench:lighthouse
// Options (or env): --runs 3 (BENCH_RUNS; the median score of the runs is kept),
//      --pages sign-in,inbox (BENCH_PAGES),
//      --preset mobile,desktop (BENCH_PRESET; "mobile" is Lighthouse's default: a mid-range
//      phone, 4× CPU slowdown, slow 4G, simulated).
// Lighthouse itself is not a dependency of the project (it is large and only this benchmark
// uses it): `npx` fetches the pinned version from the npm registry on first use.
// The server runs on PGlite in this process and serves a fresh production build of the
// dashboard. Exits 1 when a score is under budget.

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "vite";
import { option } from "./bench-options.ts";

const LIGHTHOUSE = "lighthouse@13.5.0";
const BUDGET = 90;
const runs = Number(option("runs", "BENCH_RUNS", "3"));
const presets = option("preset", "BENCH_PRESET", "mobile,desktop").split(",");
const only = option("pages", "BENCH_PAGES", "sign-in,inbox").split(",");

const [{ pino }, { buildApp }, { loadConfig }, { openPglite }, { runMigrations }] = await Promise.all([
  import("pino"),
  import("../apps/server/src/app.ts"),
  import("../apps/server/src/platform/config.ts"),
  import("../apps/server/src/platform/db/client.ts"),
  import("../apps/server/src/platform/db/migrate.ts"),
]);

const dashboard = fileURLToPath(new URL("../apps/dashboard/", import.meta.url));
const dist = mkdtempSync(join(tmpdir(), "minichat-lh-dist-"));
await build({
  configFile: `${dashboard}vite.config.ts`,
  logLevel: "warn",
  build: { outDir: dist, emptyOutDir: true },
});

const database = await openPglite({});
await runMigrations(database);
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
const config = loadConfig({
  SECRET_KEY: "bench-secret-0123456789-0123456789-0123456789",
  LOG_LEVEL: "silent",
  RATE_LIMIT_MAX: "100000000",
  AUTH_RATE_LIMIT_MAX: "100000",
  DATA_DIR: mkdtempSync(join(tmpdir(), "minichat-lh-")),
  BASE_URL: base,
});
const app = await buildApp({
  config,
  database,
  loggerInstance: pino({ level: "silent" }),
  dashboardDir: dist,
});
await app.listen({ port, host: "127.0.0.1" });

// An owner with a live agent and a few conversations, so the inbox has something to show.
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { origin: base, ...(body ? { "content-type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}
const signUp = await call("POST", "/api/auth/sign-up/email", {
  email: "lighthouse@example.com",
  password: "correct horse battery staple",
  name: "Nok Owner",
});
const cookie = signUp.headers
  .getSetCookie()
  .map((c) => c.split(";")[0])
  .join("; ");
const as = { cookie };
const ws = (await (await call("POST", "/api/v1/workspaces", { name: "Acme Coffee" }, as)).json()) as {
  id: string;
};
const agent = (await (
  await call("POST", `/api/v1/workspaces/${ws.id}/agents`, { name: "Mia", instructions: "Be brief." }, as)
).json()) as { id: string };
for (let i = 0; i < 12; i++) {
  await call(
    "POST",
    `/api/v1/workspaces/${ws.id}/agents/${agent.id}/chat`,
    { message: `Do you deliver to street ${i}?` },
    as,
  );
}

const reports = mkdtempSync(join(tmpdir(), "minichat-lh-reports-"));
type Scores = { performance: number; accessibility: number };
// Asynchronously: the server under test runs in this process and must keep answering.
async function lighthouse(url: string, preset: string, headers?: Record<string, string>): Promise<Scores> {
  const out = join(reports, `report-${Date.now()}.json`);
  const args = [
    "-y",
    LIGHTHOUSE,
    url,
    "--output=json",
    `--output-path=${out}`,
    "--quiet",
    "--only-categories=performance,accessibility",
    "--chrome-flags=--headless=new --no-sandbox",
    ...(preset === "desktop" ? ["--preset=desktop"] : []),
    ...(headers ? [`--extra-headers=${JSON.stringify(headers)}`] : []),
  ];
  // Lighthouse now and then fails to record a trace (NO_NAVSTART): such a run is retried.
  for (let attempt = 1; ; attempt++) {
    try {
      await promisify(execFile)("npx", args, {
        env: { ...process.env, CHROME_PATH: "/usr/bin/chromium" },
        maxBuffer: 64 * 1024 * 1024,
      });
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
  const report = JSON.parse(readFileSync(out, "utf8")) as {
    categories: Record<string, { score: number }>;
    finalDisplayedUrl: string;
  };
  if (headers && !report.finalDisplayedUrl.includes("/inbox")) {
    throw new Error(`expected the inbox, Lighthouse ended on ${report.finalDisplayedUrl}`);
  }
  return {
    performance: Math.round(report.categories.performance!.score * 100),
    accessibility: Math.round(report.categories.accessibility!.score * 100),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pages = [
  { name: "sign-in", url: `${base}/sign-in` },
  { name: "inbox (signed in)", url: `${base}/w/${ws.id}/inbox`, headers: { Cookie: cookie } },
];
const chosen = pages.filter((p) => only.some((o) => p.name.startsWith(o)));
let failed = false;
console.log(`| page | preset | performance | accessibility | runs |`);
console.log(`|---|---|---:|---:|---|`);
for (const preset of presets) {
  for (const p of chosen) {
    const results: Scores[] = [];
    for (let i = 0; i < runs; i++) results.push(await lighthouse(p.url, preset, p.headers));
    const perf = median(results.map((r) => r.performance));
    const a11y = median(results.map((r) => r.accessibility));
    if (perf < BUDGET || a11y < BUDGET) failed = true;
    console.log(
      `| ${p.name} | ${preset} | ${perf} | ${a11y} | ${results.map((r) => `${r.performance}/${r.accessibility}`).join(", ")} |`,
    );
  }
}
console.log(failed ? `OVER BUDGET: a score is under ${BUDGET}` : `within budget: every score ≥ ${BUDGET}`);
await app.close();
await database.close();
process.exit(failed ? 1 : 0);
