// What embedding the widget does to a host page before the visitor touches it, measured in
// Debian's Chromium (playwright-core, /usr/bin/chromium): the same page with and without the
// script tag, each loaded in a fresh context, nothing clicked. Per load: long tasks
// (PerformanceObserver 'longtask', buffered, from the first byte), DOMContentLoaded and load,
// main-thread script and task time (CDP Performance.getMetrics), and for the widget when its
// launcher appeared and when the idle prefetch of the panel finished. Runs at the machine's
// speed and with the CPU throttled 4× (a mid-range phone, as Lighthouse does).
//
// Long tasks say nothing about who ran (attribution is "unknown" outside iframes), so the
// widget's share comes from Long Animation Frames ('long-animation-frame', Chromium 123+): each
// frame over 50 ms lists the scripts that ran in it with their source URL and duration. For each
// of the widget's, a Chromium trace of the same load gives the thread CPU time of the task it ran
// in: wall time also counts the moments another process held the CPU, and on a busy machine it
// stretches. Budget (issue 5): no long task over 50 ms caused by the script before the visitor
// interacts — checked as: no widget script in a main-thread task that used over 50 ms of CPU.
//
// Run: npm run bench:host-impact
// Options (or env): --runs 8 (BENCH_RUNS, loads per page and CPU speed), --throttle 1,4
//      (BENCH_THROTTLE). The server runs on PGlite in this process; the host page on another
//      origin (localhost vs 127.0.0.1). Exits 1 when the budget is broken.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { option, percentile } from "./bench-options.ts";

const runs = Number(option("runs", "BENCH_RUNS", "8"));
const throttles = option("throttle", "BENCH_THROTTLE", "1,4").split(",").map(Number);
const LONG_TASK_MS = 50;

const [{ pino }, { buildApp }, { loadConfig }, { openPglite }, { runMigrations }, { buildWidget }] =
  await Promise.all([
    import("pino"),
    import("../apps/server/src/app.ts"),
    import("../apps/server/src/platform/config.ts"),
    import("../apps/server/src/platform/db/client.ts"),
    import("../apps/server/src/platform/db/migrate.ts"),
    import("./widget-build.ts"),
  ]);

buildWidget();
const database = await openPglite({});
await runMigrations(database);
const config = loadConfig({
  SECRET_KEY: "bench-secret-0123456789-0123456789-0123456789",
  LOG_LEVEL: "silent",
  RATE_LIMIT_MAX: "100000000",
  DATA_DIR: "/tmp/minichat-bench",
});
const app = await buildApp({ config, database, loggerInstance: pino({ level: "silent" }) });
const api = await app.listen({ port: 0, host: "127.0.0.1" });

async function inject(method: "POST", url: string, payload: object, token?: string) {
  const res = await app.inject({
    method,
    url,
    payload,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}
const signUp = await inject("POST", "/api/auth/sign-up/email", {
  email: `bench-${Date.now()}@example.com`,
  password: "correct horse battery staple 42",
  name: "Bench",
});
const token = String(signUp.headers["set-auth-token"]);
const ws = (await inject("POST", "/api/v1/workspaces", { name: "Acme Coffee" }, token)).json() as {
  id: string;
};
const agent = (
  await inject(
    "POST",
    `/api/v1/workspaces/${ws.id}/agents`,
    {
      name: "Mia",
      provider: "builtin",
      status: "live",
      welcomeMessage: "Hi! Ask me anything about our coffee.",
      suggestedQuestions: ["What are your opening hours?"],
    },
    token,
  )
).json() as { publicKey: string };

// A modest shop page: some text, a list and a little script of its own, like most sites.
const page = (withWidget: boolean) => `<!doctype html><html lang="en"><head><title>Acme Coffee</title>
<style>body{font:16px/1.5 system-ui;max-width:760px;margin:auto;padding:20px}li{margin:4px 0}</style></head>
<body><main><h1>Acme Coffee</h1><p>Fresh beans roasted daily in small batches.</p><ul>
${Array.from({ length: 200 }, (_, i) => `<li>Blend ${i + 1}: chocolate, citrus and caramel notes — ${(i % 7) + 9} €</li>`).join("")}
</ul></main><script>document.querySelector("h1").dataset.ready = "1";</script>
${withWidget ? `<script src="${api}/widget.js" data-agent="${agent.publicKey}" async></script>` : ""}
</body></html>`;
const host = createServer((req, res) => {
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.end(page(req.url?.startsWith("/with") ?? false));
});
await new Promise<void>((resolve) => host.listen(0, "localhost", resolve));
const hostUrl = `http://localhost:${(host.address() as AddressInfo).port}`;

// Runs in the page before anything else: collects long tasks from the start, the widget's script
// runs inside long animation frames, and when the launcher is added to the page. (Page-side code
// is a string: the benches are type-checked without the DOM library.)
const PROBE = `
  window.__probeAt = performance.now();
  console.timeStamp("minichat-bench-probe");
  window.__longTasks = [];
  window.__widgetScripts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.duration);
  }).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      for (const s of e.scripts) if (/\\/widget(\\.js|\\/)/.test(s.sourceURL))
          window.__widgetScripts.push({ start: s.startTime, duration: s.duration });
  }).observe({ type: "long-animation-frame", buffered: true });
  new MutationObserver((_m, obs) => {
    if (document.querySelector("[data-minichat]")) {
      window.__launcherAt = performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;
const PANEL_FETCHED = `performance.getEntriesByType("resource").some((r) => /\\/widget\\/panel\\.\\w+\\.js$/.test(r.name))`;
const COLLECT = `(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const panel = performance.getEntriesByType("resource").find((r) => /\\/widget\\/panel\\./.test(r.name));
  return {
    longTasks: window.__longTasks,
    probeAt: window.__probeAt ?? null,
    widgetScripts: window.__widgetScripts,
    dcl: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    launcherAt: window.__launcherAt ?? null,
    panelFetchedAt: panel ? panel.responseEnd : null,
  };
})()`;

const TRACE_CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "v8.execute",
  "toplevel",
];
type TraceEvent = {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
};

/**
 * The thread CPU time (trace `tdur`) of the main-thread task around each of the widget's script
 * runs that Long Animation Frames reported. Wall time stretches when other processes take the
 * CPU (a busy 2-core machine); CPU time is what the script itself cost.
 */
function cpuOfScripts(events: TraceEvent[], probeAt: number | null, scripts: { start: number }[]): number[] {
  // The probe's console.timeStamp is in the trace too: it ties the page's clock to the trace's.
  const mark = events.find(
    (e) =>
      e.name === "TimeStamp" && (e.args?.data as { message?: string })?.message === "minichat-bench-probe",
  );
  if (!mark || probeAt === null) return scripts.map(() => Number.NaN);
  const origin = mark.ts - probeAt * 1000;
  const tasks = events.filter(
    (e) => e.ph === "X" && e.name === "RunTask" && e.pid === mark.pid && e.tid === mark.tid && e.dur,
  );
  return scripts.map((s) => {
    const at = origin + s.start * 1000;
    const task = tasks.find((t) => t.ts <= at + 1000 && at < t.ts + t.dur!);
    return task ? (task.tdur ?? task.dur!) / 1000 : Number.NaN;
  });
}

type Sample = {
  longTasks: number[];
  /** The widget's script runs inside long animation frames: wall time, and CPU time of their task. */
  widgetScripts: { wall: number; cpu: number }[];
  dcl: number;
  load: number;
  scriptMs: number;
  taskMs: number;
  launcherAt: number | null;
  panelFetchedAt: number | null;
  probeAt: number | null;
};

async function measure(browser: Browser, withWidget: boolean, throttle: number): Promise<Sample> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.addInitScript({ content: PROBE });
  const cdp = await context.newCDPSession(tab);
  await cdp.send("Performance.enable");
  if (throttle > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  await browser.startTracing(tab, { categories: TRACE_CATEGORIES });
  await tab.goto(`${hostUrl}/${withWidget ? "with" : "without"}`, { waitUntil: "load" });
  if (withWidget) {
    // The loader fetches the panel when the browser is idle (at the latest after 8 s).
    await tab.waitForFunction(PANEL_FETCHED, undefined, { timeout: 20_000 });
  }
  await tab.waitForTimeout(1000);
  const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  const data = (await tab.evaluate(COLLECT)) as Omit<Sample, "scriptMs" | "taskMs" | "widgetScripts"> & {
    widgetScripts: { start: number; duration: number }[];
  };
  const cpu = cpuOfScripts(trace.traceEvents, data.probeAt, data.widgetScripts);
  const widgetScripts = data.widgetScripts.map((x, i) => ({ wall: x.duration, cpu: cpu[i]! }));
  const { metrics } = (await cdp.send("Performance.getMetrics")) as {
    metrics: { name: string; value: number }[];
  };
  const metric = (n: string) => (metrics.find((m) => m.name === n)?.value ?? 0) * 1000;
  await context.close();
  return { ...data, widgetScripts, scriptMs: metric("ScriptDuration"), taskMs: metric("TaskDuration") };
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const ms = (n: number | null) => (n === null || Number.isNaN(n) ? "–" : `${n.toFixed(0)} ms`);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});
let broken = false;
try {
  // One warm-up load each, so the first measured load does not pay for Chromium's own start.
  await measure(browser, false, 1);
  await measure(browser, true, 1);
  console.log(`Host page with and without the widget — ${runs} loads each, Chromium ${browser.version()}`);
  console.log(
    "| CPU | page | long tasks > 50 ms (loads with any) | longest task | longest widget script in a long frame (wall / task CPU) | DOMContentLoaded (median) | load (median) | main-thread script (median) | all tasks (median) | launcher shown (median) | panel prefetched (median) |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const throttle of throttles) {
    const results: Record<"without" | "with", Sample[]> = { without: [], with: [] };
    // Interleaved, so a noisy neighbour on the machine hits both pages alike.
    for (let i = 0; i < runs; i++) {
      results.without.push(await measure(browser, false, throttle));
      results.with.push(await measure(browser, true, throttle));
    }
    for (const kind of ["without", "with"] as const) {
      const s = results[kind];
      const long = s.flatMap((x) => x.longTasks.filter((d) => d > LONG_TASK_MS));
      const longest = Math.max(0, ...s.flatMap((x) => x.longTasks));
      const runs = s.flatMap((x) => x.widgetScripts);
      const top = runs.reduce((m, r) => (r.wall > m.wall ? r : m), { wall: 0, cpu: 0 });
      const widgetLongest = kind === "with" ? `${ms(top.wall)} / ${ms(top.cpu)}` : "–";
      const loadsWithLong = s.filter((x) => x.longTasks.some((d) => d > LONG_TASK_MS)).length;
      const opt = (k: "launcherAt" | "panelFetchedAt") =>
        kind === "with" ? median(s.map((x) => x[k] ?? Number.NaN)) : null;
      console.log(
        `| ${throttle}× | ${kind} widget | ${long.length} (${loadsWithLong}/${s.length}) | ${ms(longest)} | ${widgetLongest} | ` +
          `${ms(median(s.map((x) => x.dcl)))} | ${ms(median(s.map((x) => x.load)))} | ` +
          `${ms(median(s.map((x) => x.scriptMs)))} | ${ms(median(s.map((x) => x.taskMs)))} | ` +
          `${ms(opt("launcherAt"))} | ${ms(opt("panelFetchedAt"))} |`,
      );
    }
    // The budget: no run of the widget's own script (loader, panel, socket chunk) in a task over
    // 50 ms — in CPU time; wall time alone may be another process holding the CPU.
    const slow = results.with.flatMap((x) => x.widgetScripts).filter((r) => r.wall > LONG_TASK_MS);
    const heavy = slow.filter((r) => !(r.cpu <= LONG_TASK_MS));
    for (const r of slow)
      console.log(`  ${throttle}×: a widget script took ${ms(r.wall)} wall, its task ${ms(r.cpu)} of CPU`);
    if (heavy.length) broken = true;
  }
  console.log(
    broken
      ? "OVER BUDGET: the widget adds long tasks over 50 ms"
      : "within budget: no widget script in a task over 50 ms of CPU",
  );
} finally {
  await browser.close();
  host.close();
  await app.close();
  await database.close?.();
}
if (broken) process.exitCode = 1;
