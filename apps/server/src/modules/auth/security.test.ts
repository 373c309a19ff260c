import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anonymous,
  call,
  createTestApp,
  expectError,
  STRONG_PASSWORD,
  signIn,
  signUp,
  type TestApp,
  uniqueEmail,
} from "../../../test/harness.ts";
import { accounts, auditLog } from "../../db/schema/index.ts";

const EVIL = { origin: "https://evil.example" };
const SELF = { origin: "http://localhost:3000" };

// The per-IP /api/auth limit is lifted here so that only the per-account lockout is in play;
// its own test below builds an app with a small limit.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "1000" } });
});
afterAll(async () => t?.close());

describe("brute-force protection", () => {
  it("locks one account after 5 failed sign-ins, even for the right password, and leaves others alone", async () => {
    const victim = await signUp(t.app);
    const bystander = await signUp(t.app);
    for (let i = 0; i < 5; i++) {
      expectError(
        await signIn(t.app, victim.user.email, `wrong-guess-${i}-xyz`),
        401,
        "INVALID_EMAIL_OR_PASSWORD",
      );
    }
    const locked = await signIn(t.app, victim.user.email, STRONG_PASSWORD);
    const err = expectError(locked, 429, "RATE_LIMITED");
    expect(err.message).toMatch(
      /^Too many failed sign-in attempts for this account\. Try again in \d+ minutes?\.$/,
    );
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    expect(locked.headers["set-auth-token"]).toBeUndefined();
    // The same account spelled differently is the same account.
    const shouted = await signIn(t.app, ` ${victim.user.email.toUpperCase()} `, STRONG_PASSWORD);
    expectError(shouted, 429, "RATE_LIMITED");

    const other = await signIn(t.app, bystander.user.email);
    expect(other.statusCode).toBe(200);
    expect(other.headers["set-auth-token"]).toBeTruthy();

    const lockRows = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "auth.sign_in_locked"));
    expect(lockRows.filter((r) => r.metadata?.email === victim.user.email)).toHaveLength(2);
  });

  it("a successful sign-in clears the failure count", async () => {
    const u = await signUp(t.app);
    for (let i = 0; i < 4; i++) await signIn(t.app, u.user.email, `wrong-guess-${i}-xyz`);
    expect((await signIn(t.app, u.user.email)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) await signIn(t.app, u.user.email, `wrong-again-${i}-xyz`);
    expect((await signIn(t.app, u.user.email)).statusCode).toBe(200);
  });

  it("limits /api/auth/* per IP with rate-limit headers", async () => {
    const strict = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "3" } });
    try {
      for (let i = 0; i < 3; i++) {
        const ok = await call(strict.app, anonymous, "GET", "/api/auth/get-session");
        expect(ok.statusCode).toBe(200);
        expect(ok.headers["ratelimit-limit"]).toBe("3");
        expect(ok.headers["ratelimit-remaining"]).toBe(String(2 - i));
      }
      const limited = await signIn(strict.app, uniqueEmail("late"));
      const err = expectError(limited, 429, "RATE_LIMITED");
      expect(err.message).toMatch(/retry in \d+ seconds/);
      expect(limited.headers["ratelimit-limit"]).toBe("3");
      expect(limited.headers["ratelimit-remaining"]).toBe("0");
      expect(Number(limited.headers["ratelimit-reset"])).toBeGreaterThan(0);
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
      // The product API has its own, larger budget.
      expectError(await call(strict.app, anonymous, "GET", "/api/v1/workspaces"), 401, "UNAUTHENTICATED");
    } finally {
      await strict.close();
    }
  });
});

describe("CSRF", () => {
  it("refuses cookie-authenticated writes from a foreign Origin; bearer tokens are unaffected", async () => {
    const u = await signUp(t.app);
    const list = async () =>
      (await call(t.app, u.bearer, "GET", "/api/v1/workspaces"))
        .json()
        .workspaces.map((w: { name: string }) => w.name);

    const evil = await call(t.app, u.browser, "POST", "/api/v1/workspaces", { name: "Evil" }, EVIL);
    expectError(evil, 403, "FORBIDDEN");
    expect(await list()).toEqual([]);

    const own = await call(t.app, u.browser, "POST", "/api/v1/workspaces", { name: "Own" }, SELF);
    expect(own.statusCode).toBe(201);
    const bearer = await call(t.app, u.bearer, "POST", "/api/v1/workspaces", { name: "Script" }, EVIL);
    expect(bearer.statusCode).toBe(201);
    expect((await list()).sort()).toEqual(["Own", "Script"]);
  });

  it("refuses cookie-authenticated account actions from a foreign Origin", async () => {
    const u = await signUp(t.app);
    const out = await call(t.app, u.browser, "POST", "/api/auth/sign-out", {}, EVIL);
    expect(out.statusCode).toBe(403);
    expect(out.json()).toMatchObject({ error: { code: "INVALID_ORIGIN" } });
    expect((await call(t.app, u.browser, "GET", "/api/v1/workspaces")).statusCode).toBe(200);
    // Same-origin sign-out does work.
    expect((await call(t.app, u.browser, "POST", "/api/auth/sign-out", {}, SELF)).statusCode).toBe(200);
    expectError(await call(t.app, u.browser, "GET", "/api/v1/workspaces"), 401, "UNAUTHENTICATED");
  });

  it("does not grant CORS to foreign origins", async () => {
    const preflight = (origin: string) =>
      t.app.inject({
        method: "OPTIONS",
        url: "/api/v1/workspaces",
        headers: { origin, "access-control-request-method": "POST" },
      });
    expect((await preflight(EVIL.origin)).headers["access-control-allow-origin"]).toBeUndefined();
    expect((await preflight(SELF.origin)).headers["access-control-allow-origin"]).toBe(SELF.origin);
  });
});

describe("auth routes exposure", () => {
  it("keeps Better Auth's organization endpoints closed: workspaces go through /api/v1", async () => {
    const u = await signUp(t.app);
    const res = await call(
      t.app,
      u.bearer,
      "POST",
      "/api/auth/organization/create",
      { name: "Sneaky", slug: "sneaky" },
      SELF,
    );
    expectError(res, 404, "NOT_FOUND");
    const list = await call(t.app, u.bearer, "GET", "/api/v1/workspaces");
    expect(list.json().workspaces).toEqual([]);
  });

  it("lets browsers read our request id and rate-limit headers on auth responses", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-up/email",
      headers: SELF,
      payload: { email: uniqueEmail("cors"), password: STRONG_PASSWORD, name: "Cora" },
    });
    expect(res.statusCode).toBe(200);
    const exposed = String(res.headers["access-control-expose-headers"]).toLowerCase();
    for (const h of ["set-auth-token", "x-request-id", "ratelimit-remaining", "retry-after"])
      expect(exposed).toContain(h);
  });
});

describe("password storage", () => {
  it("never returns the password or its hash, and stores an argon2id hash", async () => {
    const password = "saffron-quiver-meteor-19";
    const email = uniqueEmail("secret");
    const up = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-up/email",
      payload: { email, password, name: "Quinn" },
    });
    expect(up.statusCode).toBe(200);
    const userId = up.json().user.id as string;
    const [row] = await t.database.db
      .select()
      .from(accounts)
      .where(and(eq(accounts.userId, userId), eq(accounts.providerId, "credential")));
    const hash = row!.password!;
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(hash).toContain("m=19456,t=2,p=1");
    expect(hash).not.toContain(password);

    const inn = await signIn(t.app, email, password);
    expect(inn.statusCode).toBe(200);
    const mine = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { authorization: `Bearer ${String(inn.headers["set-auth-token"])}` },
    });
    expect(mine.json().user.email).toBe(email);
    const sessions = await t.app.inject({
      method: "GET",
      url: "/api/auth/list-sessions",
      headers: { authorization: `Bearer ${String(inn.headers["set-auth-token"])}` },
    });
    for (const res of [up, inn, mine, sessions]) {
      const everything = `${JSON.stringify(res.headers)}\n${res.body}`;
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(hash);
      expect(everything).not.toContain("$argon2");
    }
    expect(Object.keys(mine.json().user)).not.toContain("password");
  });
});
