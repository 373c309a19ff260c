import { randomBytes } from "node:crypto";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  anonymous,
  call,
  createTestApp,
  expectError,
  signUp,
  type TestApp,
  testConfig,
} from "../../test/harness.ts";
import { buildApp } from "../app.ts";
import { type Database, openPglite, openPostgres } from "./db/client.ts";

// The HTTP platform as a client sees it: request ids, error shapes, body parsing, security
// headers, CORS, OpenAPI, health checks and the global rate limit. All through buildApp + inject.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ALLOWED_ORIGIN = "http://localhost:3000";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

/** No response body ever carries a stack trace or source locations. */
function expectNoStack(res: LightMyRequestResponse) {
  expect(res.body).not.toMatch(/"stack"|\bat \S+ \(|\.(ts|js|mjs):\d+:\d+|node_modules/);
}

const get = (app: FastifyInstance, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: "GET", url, headers });
const post = (app: FastifyInstance, url: string, type: string, payload: string, id = "") =>
  app.inject({ method: "POST", url, payload, headers: { "content-type": type, "x-request-id": id } });

describe("request ids", () => {
  it("echoes a valid X-Request-Id, also in error bodies", async () => {
    const ok = await get(t.app, "/healthz", { "x-request-id": "req-123.abc:XYZ_9" });
    expect(ok.headers["x-request-id"]).toBe("req-123.abc:XYZ_9");
    const err = await get(t.app, "/no-such-route", { "x-request-id": "trace-42" });
    expect(err.headers["x-request-id"]).toBe("trace-42");
    expect(err.json().requestId).toBe("trace-42");
  });

  it("generates a UUID when the header is absent or malformed", async () => {
    const none = await get(t.app, "/healthz");
    expect(none.headers["x-request-id"]).toMatch(UUID);
    for (const bad of ["has spaces", "x".repeat(129), "semi;colon", "<script>", "ключ"]) {
      const res = await get(t.app, "/no-such-route", { "x-request-id": bad });
      expect(res.headers["x-request-id"]).toMatch(UUID);
      expect(res.json().requestId).toBe(res.headers["x-request-id"]);
    }
    const a = await get(t.app, "/healthz");
    expect(a.headers["x-request-id"]).not.toBe(none.headers["x-request-id"]);
  });
});

describe("error responses", () => {
  it("rejects malformed JSON with 400 INVALID_JSON", async () => {
    for (const url of ["/api/v1/workspaces", "/api/auth/sign-in/email"]) {
      const res = await post(t.app, url, "application/json", '{"name": "unterminated', "bad-json");
      expect(expectError(res, 400, "INVALID_JSON").message).toMatch(/not valid JSON/);
      expect(res.json().requestId).toBe("bad-json");
      expectNoStack(res);
    }
    expectError(await post(t.app, "/api/v1/workspaces", "application/json", ""), 400, "INVALID_JSON");
  });

  it("rejects unsupported content types with 415", async () => {
    for (const type of ["text/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await post(t.app, "/api/v1/workspaces", type, "<workspace><name>Acme</name></workspace>");
      expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
      expectNoStack(res);
    }
  });

  it("answers unknown routes with 404 NOT_FOUND in our shape", async () => {
    const res = await get(t.app, "/api/v1/nope?token=secret");
    const error = expectError(res, 404, "NOT_FOUND");
    expect(error.message).toBe("No route for GET /api/v1/nope");
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expectError(await t.app.inject({ method: "DELETE", url: "/healthz" }), 404, "NOT_FOUND");
  });

  it("keeps validation and auth errors free of internals", async () => {
    const u = await signUp(t.app);
    const invalid = await call(t.app, u.bearer, "POST", "/api/v1/workspaces", { name: 42 });
    expectError(invalid, 400, "VALIDATION_FAILED");
    expectNoStack(invalid);
    const unauth = await call(t.app, anonymous, "GET", "/api/v1/workspaces");
    expectError(unauth, 401, "UNAUTHENTICATED");
    expectNoStack(unauth);
  });

  it("rejects oversize bodies with 413 PAYLOAD_TOO_LARGE", async () => {
    const small = await createTestApp({ env: { BODY_LIMIT_BYTES: "2048" }, database: t.database });
    try {
      const payload = JSON.stringify({ name: "x".repeat(5 * 1024) });
      for (const url of ["/api/v1/workspaces", "/api/auth/sign-up/email"]) {
        const res = await post(small.app, url, "application/json", payload);
        expectError(res, 413, "PAYLOAD_TOO_LARGE");
        expectNoStack(res);
      }
      // Just under the limit is parsed (and then fails validation, not size).
      const fits = await call(small.app, anonymous, "POST", "/api/v1/workspaces", { name: "x".repeat(1500) });
      expectError(fits, 400, "VALIDATION_FAILED");
    } finally {
      await small.close();
    }
  });
});

describe("health and readiness", () => {
  it("GET /healthz and /readyz answer 200 on a migrated database", async () => {
    const health = await get(t.app, "/healthz");
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: "ok" });
    const ready = await get(t.app, "/readyz");
    expect(ready.statusCode).toBe(200);
    const body = ready.json();
    expect(body).toMatchObject({ status: "ready", database: t.database.kind });
    const [applied, expected] = body.migrations.split("/").map(Number);
    expect(expected).toBeGreaterThan(0);
    expect(applied).toBe(expected);
  });

  it("/readyz answers 503 while shutting down", async () => {
    t.app.lifecycle.shuttingDown = true;
    try {
      const res = await get(t.app, "/readyz");
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: "not_ready", reason: "shutting down" });
      expect((await get(t.app, "/healthz")).statusCode).toBe(200);
    } finally {
      t.app.lifecycle.shuttingDown = false;
    }
  });

  it("/readyz answers 503 on an unmigrated database and when the database is gone", async () => {
    const database = await openEmptyDatabase();
    const app = await buildApp({ config: testConfig({}, database), database, logger: false });
    try {
      const pending = await get(app, "/readyz");
      expect(pending.statusCode).toBe(503);
      expect(pending.json().status).toBe("not_ready");
      expect(pending.json().reason).toMatch(/^migrations pending \(0\/[1-9]\d* applied\)$/);
      expect((await get(app, "/healthz")).statusCode).toBe(200);

      // A request that hits the missing tables fails with a generic 500, no SQL, no stack.
      const broken = await get(app, "/api/v1/workspaces", { authorization: "Bearer not-a-real-token" });
      expect(expectError(broken, 500, "INTERNAL").message).toBe("Something went wrong on our side");
      expect(broken.body).not.toMatch(/relation|select|users|session/i);
      expectNoStack(broken);

      await database.close();
      const gone = await get(app, "/readyz");
      expect(gone.statusCode).toBe(503);
      expect(gone.json()).toEqual({ status: "not_ready", reason: "database unreachable" });
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe("OpenAPI and docs", () => {
  it("serves an OpenAPI 3.1 document with our routes, schemas and ErrorResponse", async () => {
    const res = await get(t.app, "/api/openapi.json");
    expect(res.statusCode).toBe(200);
    const spec = res.json();
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
    expect(spec.info.title).toBe("MiniChat API");

    const workspaces = spec.paths["/api/v1/workspaces"];
    expect(workspaces.post.requestBody.content["application/json"].schema.properties).toHaveProperty("name");
    expect(workspaces.post.responses["201"].content["application/json"].schema).toBeDefined();
    expect(workspaces.get.responses["200"].content["application/json"].schema).toBeDefined();
    expect(workspaces.post.responses["401"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/ErrorResponse",
    });

    const keys = spec.paths["/api/v1/workspaces/{workspaceId}/api-keys"];
    expect(keys.post.requestBody.content["application/json"].schema.required).toContain("name");
    expect(keys.post.parameters).toContainEqual(
      expect.objectContaining({ in: "path", name: "workspaceId", required: true }),
    );
    expect(keys.post.responses["201"].content["application/json"].schema).toBeDefined();
    expect(keys.get.responses["200"].content["application/json"].schema).toBeDefined();

    const error = spec.components.schemas.ErrorResponse;
    expect(error.required).toEqual(expect.arrayContaining(["error", "requestId"]));
    expect(error.properties.error.required).toEqual(expect.arrayContaining(["code", "message"]));

    // Hidden and infrastructure routes stay out of the document.
    expect(Object.keys(spec.paths)).not.toContain("/api/openapi.json");
    expect(Object.keys(spec.paths)).not.toContain("/");
    expect(Object.keys(spec.paths).some((p) => p.startsWith("/api/auth"))).toBe(false);
  });

  it("serves the API reference as HTML with a content-security-policy", async () => {
    const res = await get(t.app, "/api/docs/");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["content-security-policy"]).toMatch(/default-src 'self'/);
    expect(res.body).toMatch(/<html/i);
  });
});

describe("security headers", () => {
  it("sets helmet headers on JSON but no CSP", async () => {
    for (const url of ["/healthz", "/api/v1/workspaces", "/api/openapi.json", "/no-such-route"]) {
      const res = await get(t.app, url);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["content-security-policy"]).toBeUndefined();
      expect(res.headers["x-powered-by"]).toBeUndefined();
    }
    // BASE_URL is http:// here, so no HSTS.
    expect((await get(t.app, "/healthz")).headers["strict-transport-security"]).toBeUndefined();
  });

  it("sets a strict CSP on HTML pages", async () => {
    for (const url of ["/", "/invitations/inv_0123456789abcdefghjk"]) {
      const res = await get(t.app, url);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    }
  });
});

describe("CORS", () => {
  it("allows the configured origin with credentials", async () => {
    const res = await get(t.app, "/api/v1/workspaces", { origin: ALLOWED_ORIGIN });
    expect(res.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
    expect(res.headers["access-control-allow-credentials"]).toBe("true");
    expect(String(res.headers["access-control-expose-headers"])).toContain("x-request-id");

    const preflight = await t.app.inject({
      method: "OPTIONS",
      url: "/api/v1/workspaces",
      headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
    expect(String(preflight.headers["access-control-allow-methods"])).toContain("POST");
  });

  it("does not allow a foreign origin", async () => {
    for (const origin of ["https://evil.example", "http://localhost:3001", "null"]) {
      const res = await get(t.app, "/api/v1/workspaces", { origin });
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
      const preflight = await t.app.inject({
        method: "OPTIONS",
        url: "/api/v1/workspaces",
        headers: { origin, "access-control-request-method": "DELETE" },
      });
      expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
      expect(preflight.headers["access-control-allow-credentials"]).toBeUndefined();
    }
  });
});

describe("global rate limit", () => {
  it("answers 429 RATE_LIMITED with rate-limit headers; health checks are exempt", async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_MAX: "3" }, database: t.database });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await get(limited.app, "/api/v1/workspaces");
        expectError(res, 401, "UNAUTHENTICATED");
        expect(res.headers["ratelimit-limit"]).toBe("3");
        expect(res.headers["ratelimit-remaining"]).toBe(String(2 - i));
      }
      const fourth = await get(limited.app, "/api/v1/workspaces", { "x-request-id": "limited-1" });
      const error = expectError(fourth, 429, "RATE_LIMITED");
      expect(error.message).toMatch(/retry in \d+ seconds/);
      expect(fourth.json().requestId).toBe("limited-1");
      expect(fourth.headers["ratelimit-limit"]).toBe("3");
      expect(fourth.headers["ratelimit-remaining"]).toBe("0");
      expect(Number(fourth.headers["ratelimit-reset"])).toBeGreaterThan(0);
      expect(Number(fourth.headers["retry-after"])).toBeGreaterThan(0);
      expectNoStack(fourth);

      // The limit is global across routes, not per route.
      expectError(await get(limited.app, "/api/openapi.json"), 429, "RATE_LIMITED");
      // A made-up bearer token does not buy a fresh allowance.
      const forged = await get(limited.app, "/api/v1/workspaces", {
        authorization: `Bearer ${randomBytes(24).toString("hex")}`,
      });
      expectError(forged, 429, "RATE_LIMITED");
      const junkCookie = await get(limited.app, "/api/v1/workspaces", { cookie: "session=made-up" });
      expectError(junkCookie, 429, "RATE_LIMITED");

      // A signed-in user is limited on their own allowance, across bearer and cookie sessions.
      const u = await signUp(limited.app);
      for (let i = 0; i < 2; i++) {
        expect((await call(limited.app, u.bearer, "GET", "/api/v1/workspaces")).statusCode).toBe(200);
      }
      expect((await call(limited.app, u.browser, "GET", "/api/v1/workspaces")).statusCode).toBe(200);
      expectError(await call(limited.app, u.bearer, "GET", "/api/v1/workspaces"), 429, "RATE_LIMITED");
      expectError(await call(limited.app, u.browser, "GET", "/api/v1/workspaces"), 429, "RATE_LIMITED");

      for (const url of ["/healthz", "/readyz"]) {
        for (let i = 0; i < 5; i++) expect((await get(limited.app, url)).statusCode).toBe(200);
      }
    } finally {
      await limited.close();
    }
  });
});

/** A database with no tables: PGlite in memory, or a new empty PostgreSQL database. */
async function openEmptyDatabase(): Promise<Database> {
  const postgres = inject("postgres");
  if (!postgres) return openPglite({});
  // The name matches the run's cleanup pattern (mc_%<runId>%), so global teardown drops it.
  const name = `mc_empty_${postgres.runId}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgres.url);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), { max: 2 });
  const end = db.close;
  let closed = false;
  return Object.assign(db, {
    url: url.toString(),
    async close() {
      if (!closed) await end();
      closed = true;
    },
  });
}
