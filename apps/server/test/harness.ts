import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { inject } from "vitest";
import { buildApp } from "../src/app.ts";
import { createMailer } from "../src/modules/email/index.ts";
import { type Config, loadConfig } from "../src/platform/config.ts";
import { type Database, openPglite, openPostgres } from "../src/platform/db/client.ts";
import type { Jobs } from "../src/platform/jobs.ts";
import { openRedis } from "../src/platform/redis.ts";
import type { Clock } from "../src/platform/types.ts";
import { startWorkers, type WorkerOptions } from "../src/workers.ts";
import { silentLogger } from "./silent-logger.ts";

export { silentLogger };

// Test harness: real databases (a fresh PGlite or PostgreSQL copy per call), real Redis when the
// run provides one, the real app built with buildApp and driven with inject(). No mocks.

export const TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz";

let pgliteTemplate: Blob | undefined;

/** A fresh, migrated database for this test file. */
export async function createTestDatabase(): Promise<Database> {
  const postgres = inject("postgres");
  if (postgres) {
    const name = `mc_t_${postgres.runId}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${postgres.template}`);
    await admin.end();
    const url = new URL(postgres.url);
    url.pathname = `/${name}`;
    const db = await openPostgres(url.toString(), { max: 5 });
    return Object.assign(db, { url: url.toString() });
  }
  return createPgliteTestDatabase();
}

/** A fresh, migrated PGlite database whatever the run's mode (the dashboard's browser tests). */
export async function createPgliteTestDatabase(): Promise<Database> {
  pgliteTemplate ??= new Blob([readFileSync(inject("pgliteTemplate"))]);
  return openPglite({ loadDataDir: pgliteTemplate });
}

export const usingPostgres = () => inject("postgres") !== null;
export const usingRedis = () => inject("redisUrl") !== null;

export function testConfig(env: Record<string, string> = {}, database?: Database): Config {
  const config = loadConfig({
    NODE_ENV: "test",
    SECRET_KEY: TEST_SECRET,
    BASE_URL: "http://localhost:3000",
    DATA_DIR: join(tmpdir(), "minichat-test"),
    LOG_LEVEL: "silent",
    REDIS_KEY_PREFIX: `mct:${randomBytes(4).toString("hex")}:`,
    ...env,
  });
  const url = (database as { url?: string } | undefined)?.url;
  return url ? { ...config, databaseUrl: url, mode: "production" } : config;
}

export type TestApp = {
  app: FastifyInstance;
  database: Database;
  config: Config;
  jobs: Jobs | undefined;
  close(): Promise<void>;
};

/**
 * Builds the whole app on a fresh database. `jobs: true` starts pg-boss workers too (needed
 * when the test waits for background work such as SMTP delivery).
 */
export async function createTestApp(
  opts: {
    env?: Record<string, string>;
    jobs?: boolean;
    /** With `jobs`: options of the worker process (see workers.ts). */
    workers?: WorkerOptions;
    clock?: Clock;
    database?: Database;
    /** Serve this built dashboard at /; by default none, so pages do not depend on a build. */
    dashboardDir?: string;
  } = {},
): Promise<TestApp> {
  const database = opts.database ?? (await createTestDatabase());
  const redisUrl = inject("redisUrl");
  const config = testConfig({ ...(redisUrl ? { REDIS_URL: redisUrl } : {}), ...opts.env }, database);
  const redis = config.redisUrl ? await openRedis(config.redisUrl) : undefined;
  const { jobs, mailer, events } = opts.jobs
    ? await startWorkers(database, config, silentLogger, opts.workers)
    : {
        events: undefined,
        jobs: undefined,
        mailer: createMailer({
          db: database.db,
          smtpUrl: config.smtpUrl,
          from: config.emailFrom,
          config,
          logger: silentLogger,
        }),
      };
  // Model-call retries back off for milliseconds, not seconds, so resilience tests stay quick.
  const app = await buildApp({
    config,
    database,
    redis,
    jobs,
    mailer,
    clock: opts.clock,
    events,
    logger: false,
    llmRetryDelayMs: 5,
    dashboardDir: opts.dashboardDir ?? join(tmpdir(), "minichat-no-dashboard"),
  });
  return {
    app,
    database,
    config,
    jobs,
    async close() {
      await app.close();
      await jobs?.stop(2000);
      mailer.close();
      redis?.disconnect();
      if (!opts.database) await database.close();
    },
  };
}

// ── HTTP helpers ────────────────────────────────────────────────────────────────────────────

export type Caller = { headers: Record<string, string> };

export const asBearer = (token: string): Caller => ({ headers: { authorization: `Bearer ${token}` } });
export const asCookie = (cookie: string): Caller => ({ headers: { cookie } });
export const anonymous: Caller = { headers: {} };

export async function call(
  app: FastifyInstance,
  who: Caller,
  method: InjectOptions["method"],
  url: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { ...who.headers, ...extraHeaders },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
}

/** Joins a response's Set-Cookie headers into a Cookie header value (name=value pairs only). */
export function cookiesFrom(res: LightMyRequestResponse, previous = ""): string {
  const jar = new Map<string, string>();
  for (const part of previous.split(/;\s*/).filter(Boolean)) {
    const i = part.indexOf("=");
    jar.set(part.slice(0, i), part.slice(i + 1));
  }
  const set = res.headers["set-cookie"];
  for (const c of Array.isArray(set) ? set : set ? [set] : []) {
    const [pair] = c.split(";");
    const i = pair!.indexOf("=");
    const name = pair!.slice(0, i);
    const value = pair!.slice(i + 1);
    if (value === "" || /max-age=0/i.test(c)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

let counter = 0;
export const uniqueEmail = (tag = "user") =>
  `${tag}.${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString("hex")}@example.com`;

export const STRONG_PASSWORD = "violet-harbor-lantern-42";

export type SignedUp = {
  user: { id: string; email: string; name: string; role: string };
  token: string;
  cookie: string;
  bearer: Caller;
  browser: Caller;
};

export async function signUp(
  app: FastifyInstance,
  input: { email?: string; password?: string; name?: string; locale?: string } = {},
): Promise<SignedUp> {
  const body = {
    email: input.email ?? uniqueEmail(),
    password: input.password ?? STRONG_PASSWORD,
    name: input.name ?? "Test User",
    ...(input.locale ? { locale: input.locale } : {}),
  };
  const res = await app.inject({ method: "POST", url: "/api/auth/sign-up/email", payload: body });
  if (res.statusCode !== 200) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  const token = String(res.headers["set-auth-token"]);
  const cookie = cookiesFrom(res);
  return { user: res.json().user, token, cookie, bearer: asBearer(token), browser: asCookie(cookie) };
}

export async function signIn(app: FastifyInstance, email: string, password = STRONG_PASSWORD) {
  return app.inject({ method: "POST", url: "/api/auth/sign-in/email", payload: { email, password } });
}

export async function createWorkspace(app: FastifyInstance, who: Caller, name = "Acme Coffee") {
  const res = await call(app, who, "POST", "/api/v1/workspaces", { name });
  if (res.statusCode !== 201) throw new Error(`create workspace failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; name: string; slug: string };
}

/** Invites `email` with `role` into the workspace and accepts as `invitee`. Returns the member id. */
export async function addMember(
  app: FastifyInstance,
  owner: Caller,
  workspaceId: string,
  invitee: SignedUp,
  role: "admin" | "operator" | "viewer",
): Promise<string> {
  const inv = await call(app, owner, "POST", `/api/v1/workspaces/${workspaceId}/invitations`, {
    email: invitee.user.email,
    role,
  });
  if (inv.statusCode !== 201) throw new Error(`invite failed: ${inv.statusCode} ${inv.body}`);
  const acc = await call(app, invitee.bearer, "POST", `/api/v1/invitations/${inv.json().id}/accept`);
  if (acc.statusCode !== 200) throw new Error(`accept failed: ${acc.statusCode} ${acc.body}`);
  const members = await call(app, owner, "GET", `/api/v1/workspaces/${workspaceId}/members`);
  return members.json().members.find((m: { userId: string }) => m.userId === invitee.user.id).id;
}

export async function createApiKey(
  app: FastifyInstance,
  who: Caller,
  workspaceId: string,
  body: Record<string, unknown> = { name: "test key" },
) {
  const res = await call(app, who, "POST", `/api/v1/workspaces/${workspaceId}/api-keys`, body);
  if (res.statusCode !== 201) throw new Error(`create api key failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; key: string; prefix: string };
}

/** Emails stored for `to`, newest first, read through the real outbox table. */
export async function outboxFor(database: Database, to: string) {
  const { findLatestEmails } = await import("../src/modules/email/index.ts");
  return findLatestEmails(database.db, { limit: 50, to });
}

export function expectError(res: LightMyRequestResponse, status: number, code?: string) {
  const body = res.json();
  if (
    res.statusCode !== status ||
    (code && body?.error?.code !== code) ||
    typeof body?.requestId !== "string"
  ) {
    throw new Error(`expected ${status}${code ? ` ${code}` : ""}, got ${res.statusCode} ${res.body}`);
  }
  return body.error as { code: string; message: string; details?: unknown };
}
