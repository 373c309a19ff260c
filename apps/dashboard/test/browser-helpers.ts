import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { expect } from "vitest";
import { DASHBOARD_DIST } from "../../server/src/modules/dashboard/dashboard.route.ts";
import { createPgliteTestDatabase, createTestApp, type TestApp } from "../../server/test/harness.ts";

// Shared by the dashboard's browser tests: a real server on a fresh PGlite database (as a new
// user's `npm start` has) serving a current build of the dashboard, Debian's Chromium (never a
// downloaded browser), axe-core, and a quick way to start signed in.

const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const APP = fileURLToPath(new URL("../", import.meta.url));
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export type Dashboard = {
  t: TestApp;
  base: string;
  browser: Browser;
  close(): Promise<void>;
};

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(path) : s.mtimeMs);
  }
  return newest;
}

/**
 * The built dashboard to serve. `npm test` builds it first (pretest), so normally that build;
 * when the sources are newer (a single file run while editing), a private build in a temp dir,
 * so two test files building at once never write the same files.
 */
async function dashboardBuild(): Promise<string> {
  let built = 0;
  try {
    built = statSync(join(DASHBOARD_DIST, ".vite/manifest.json")).mtimeMs;
  } catch {
    // not built yet
  }
  const sources = Math.max(
    newestMtime(join(APP, "src")),
    newestMtime(join(APP, "../../packages/contracts/src")),
  );
  if (built > sources) return DASHBOARD_DIST;
  const outDir = join(tmpdir(), `minichat-dashboard-${process.pid}-${Date.now()}`);
  await build({
    configFile: join(APP, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the server on a fresh PGlite database, listening on a free port, and Chromium. */
export async function startDashboard(
  opts: { env?: Record<string, string>; jobs?: boolean } = {},
): Promise<Dashboard> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dashboardDir = await dashboardBuild();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const database = await createPgliteTestDatabase();
  // BASE_URL is where the browser is: cookie sessions refuse other origins (CSRF defence).
  const t = await createTestApp({
    env: { BASE_URL: base, RATE_LIMIT_MAX: "10000", AUTH_RATE_LIMIT_MAX: "10000", ...opts.env },
    dashboardDir,
    database,
    ...(opts.jobs ? { jobs: true } : {}),
  });
  await t.app.listen({ port, host: "127.0.0.1" });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  return {
    t,
    base,
    browser,
    async close() {
      await browser.close();
      await t.close();
      await database.close();
    },
  };
}

/** A browser context whose page errors fail the test (check `errors` at the end). */
export async function openPage(
  d: Dashboard,
  opts: { locale?: string; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  // bypassCSP only so tests can inject axe-core; the app itself runs under the real CSP.
  const context = await d.browser.newContext({
    locale: opts.locale ?? "en-US",
    bypassCSP: true,
    ...(opts.viewport ? { viewport: opts.viewport } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { context, page, errors };
}

export type Owner = { email: string; password: string; cookie: string; workspaceId: string };

/**
 * Signs a new owner up through the real HTTP API, makes a workspace, and puts the session cookie
 * into `context` — for tests about one screen, which need not walk the sign-up form again.
 */
export async function signedInOwner(
  d: Dashboard,
  context: BrowserContext,
  opts: { name?: string; workspace?: string; language?: "en" | "th" | "ru" } = {},
): Promise<Owner> {
  const email = `owner-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
  const password = "correct horse battery staple";
  const headers = { "content-type": "application/json", origin: d.base };
  const res = await fetch(`${d.base}/api/auth/sign-up/email`, {
    method: "POST",
    headers,
    body: JSON.stringify({ email, password, name: opts.name ?? "Nok Owner" }),
  });
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const ws = await fetch(`${d.base}/api/v1/workspaces`, {
    method: "POST",
    headers: { ...headers, cookie },
    body: JSON.stringify({ name: opts.workspace ?? "Acme Coffee" }),
  });
  if (!ws.ok) throw new Error(`workspace failed: ${ws.status} ${await ws.text()}`);
  const { id: workspaceId } = (await ws.json()) as { id: string };
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const i = pair.indexOf("=");
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: d.base };
    }),
  );
  if (opts.language) {
    await context.addInitScript((l) => localStorage.setItem("minichat.lang", l), opts.language);
  }
  return { email, password, cookie, workspaceId };
}

/** Calls the API as `owner` (cookie session, same origin), failing loudly on an error status. */
export async function apiAs<T = unknown>(
  d: Dashboard,
  owner: { cookie: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${d.base}${path}`, {
    method,
    headers: {
      origin: d.base,
      cookie: owner.cookie,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** axe-core on the whole page: no serious or critical violations; a screenshot as an artifact. */
export async function expectAccessible(page: Page, name: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() => {
    type Axe = {
      run(
        ctx: unknown,
        o: unknown,
      ): Promise<{ violations: { id: string; impact: string; nodes: { html: string }[] }[] }>;
    };
    return (window as unknown as { axe: Axe }).axe.run(document, { resultTypes: ["violations"] });
  });
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.html) }));
  expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** No key left untranslated (a missing key renders as ⟦key⟧). */
export async function expectTranslated(page: Page) {
  const text = await page.locator("body").innerText();
  expect(text).not.toContain("⟦");
}

export async function heading(page: Page, text: string) {
  await page.getByRole("heading", { level: 1, name: text }).waitFor({ timeout: 15_000 });
}
