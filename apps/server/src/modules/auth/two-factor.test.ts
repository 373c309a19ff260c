import { base32 } from "@better-auth/utils/base32";
import { createOTP } from "@better-auth/utils/otp";
import { and, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asBearer,
  asCookie,
  type Caller,
  call,
  cookiesFrom,
  createTestApp,
  expectError,
  STRONG_PASSWORD,
  signIn,
  signUp,
  type TestApp,
  testConfig,
} from "../../../test/harness.ts";
import { buildApp } from "../../app.ts";
import { auditLog, twoFactors } from "../../db/schema/index.ts";

// Many auth calls from one IP: lift the per-IP /api/auth limit (security.test.ts covers it).
const ENV = { AUTH_RATE_LIMIT_MAX: "1000" };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: ENV });
});
afterAll(async () => t?.close());

/** The current code an authenticator app shows for a TOTP URI (secret is base32 in `secret=`). */
async function totpFor(uri: string): Promise<string> {
  const secret = new URL(uri).searchParams.get("secret")!;
  return createOTP(base32.decode(secret)).totp();
}

/** Enables 2FA for a signed-in caller; returns the setup data and the caller's new session. */
async function enable2fa(app: FastifyInstance, who: Caller) {
  const res = await call(app, who, "POST", "/api/auth/two-factor/enable", { password: STRONG_PASSWORD });
  expect(res.statusCode).toBe(200);
  const { totpURI, backupCodes } = res.json() as { totpURI: string; backupCodes: string[] };
  const verify = await call(app, who, "POST", "/api/auth/two-factor/verify-totp", {
    code: await totpFor(totpURI),
  });
  expect(verify.statusCode).toBe(200);
  return { totpURI, backupCodes, session: asBearer(String(verify.headers["set-auth-token"])) };
}

/** Password step of a 2FA sign-in: returns the pending-challenge cookie. */
async function startSignIn(app: FastifyInstance, email: string) {
  const res = await signIn(app, email);
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ twoFactorRedirect: true });
  expect(res.headers["set-auth-token"]).toBeUndefined();
  const cookie = cookiesFrom(res);
  expect(cookie).toMatch(/two_factor=/);
  expect(cookie).not.toMatch(/session_token=/);
  // The challenge lives in a cookie, so the second step is a cookie POST: a browser sends Origin.
  return { headers: { cookie, origin: "http://localhost:3000" } } satisfies Caller;
}

const auditRows = (db: TestApp["database"]["db"], userId: string, action: string) =>
  db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.actorUserId, userId), eq(auditLog.action, action)));

describe("two-factor authentication (TOTP)", () => {
  it("is only active after the first code is verified; then sign-in needs a second factor", async () => {
    const u = await signUp(t.app);
    const start = await call(t.app, u.bearer, "POST", "/api/auth/two-factor/enable", {
      password: STRONG_PASSWORD,
    });
    expect(start.statusCode).toBe(200);
    const { totpURI, backupCodes } = start.json();
    expect(totpURI).toMatch(/^otpauth:\/\/totp\/MiniChat:/);
    expect(backupCodes).toHaveLength(10);

    // Not confirmed yet: the password alone still signs in.
    const before = await signIn(t.app, u.user.email);
    expect(before.statusCode).toBe(200);
    expect(before.json().twoFactorRedirect).toBeUndefined();
    expect(before.json().user.email).toBe(u.user.email);

    const wrongSetup = await call(t.app, u.bearer, "POST", "/api/auth/two-factor/verify-totp", {
      code: "000000",
    });
    expectError(wrongSetup, 401, "INVALID_CODE");
    const verify = await call(t.app, u.bearer, "POST", "/api/auth/two-factor/verify-totp", {
      code: await totpFor(totpURI),
    });
    expect(verify.statusCode).toBe(200);
    expect(await auditRows(t.database.db, u.user.id, "auth.two_factor_enabled")).toHaveLength(1);

    const pending = await startSignIn(t.app, u.user.email);
    const session = await t.app.inject({ method: "GET", url: "/api/auth/get-session", ...pending });
    expect(session.json()).toBeNull();
    expectError(await call(t.app, pending, "GET", "/api/v1/workspaces"), 401, "UNAUTHENTICATED");

    const wrong = await call(t.app, pending, "POST", "/api/auth/two-factor/verify-totp", { code: "123456" });
    expectError(wrong, 401, "INVALID_CODE");
    const done = await call(t.app, pending, "POST", "/api/auth/two-factor/verify-totp", {
      code: await totpFor(totpURI),
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().user.email).toBe(u.user.email);
    const signedIn = asBearer(String(done.headers["set-auth-token"]));
    expect((await call(t.app, signedIn, "GET", "/api/v1/workspaces")).statusCode).toBe(200);
    const viaCookie = asCookie(cookiesFrom(done, pending.headers.cookie));
    expect((await call(t.app, viaCookie, "GET", "/api/v1/workspaces")).statusCode).toBe(200);

    const logins = await auditRows(t.database.db, u.user.id, "auth.sign_in");
    expect(logins.map((r) => r.metadata)).toContainEqual({ method: "password+totp" });
    // Checking a code from an already protected session is not "enabling" it again.
    const recheck = await call(t.app, signedIn, "POST", "/api/auth/two-factor/verify-totp", {
      code: await totpFor(totpURI),
    });
    expect(recheck.statusCode).toBe(200);
    expect(await auditRows(t.database.db, u.user.id, "auth.two_factor_enabled")).toHaveLength(1);
    const failed = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "auth.two_factor_failed"));
    expect(failed.length).toBeGreaterThanOrEqual(2);
  });

  it("accepts each backup code once", async () => {
    const u = await signUp(t.app);
    const { backupCodes } = await enable2fa(t.app, u.bearer);
    const code = backupCodes[0]!;

    const first = await startSignIn(t.app, u.user.email);
    const ok = await call(t.app, first, "POST", "/api/auth/two-factor/verify-backup-code", { code });
    expect(ok.statusCode).toBe(200);
    const signedIn = asBearer(String(ok.headers["set-auth-token"]));
    expect((await call(t.app, signedIn, "GET", "/api/v1/workspaces")).statusCode).toBe(200);

    const second = await startSignIn(t.app, u.user.email);
    const reused = await call(t.app, second, "POST", "/api/auth/two-factor/verify-backup-code", { code });
    expect(reused.statusCode).toBe(401);
    expect(reused.headers["set-auth-token"]).toBeUndefined();
    // Another unused code still works on the same challenge.
    const other = await call(t.app, second, "POST", "/api/auth/two-factor/verify-backup-code", {
      code: backupCodes[1],
    });
    expect(other.statusCode).toBe(200);
  });

  it("turns off with the password, after which the password alone signs in again", async () => {
    const u = await signUp(t.app);
    const { session } = await enable2fa(t.app, u.bearer);

    const badPassword = await call(t.app, session, "POST", "/api/auth/two-factor/disable", {
      password: "not-the-password-1",
    });
    expectError(badPassword, 400, "INVALID_PASSWORD");
    await startSignIn(t.app, u.user.email);

    const off = await call(t.app, session, "POST", "/api/auth/two-factor/disable", {
      password: STRONG_PASSWORD,
    });
    expect(off.statusCode).toBe(200);
    const after = await signIn(t.app, u.user.email);
    expect(after.statusCode).toBe(200);
    expect(after.json().twoFactorRedirect).toBeUndefined();
    expect(after.headers["set-auth-token"]).toBeDefined();
    expect(await t.database.db.select().from(twoFactors).where(eq(twoFactors.userId, u.user.id))).toEqual([]);
    expect(await auditRows(t.database.db, u.user.id, "auth.two_factor_disabled")).toHaveLength(1);
  });
});

describe("SECRET_KEY rotation", () => {
  const A = "rotation-key-A-0123456789-abcdefghijklmnopqrstuvwxyz";
  const B = "rotation-key-B-9876543210-zyxwvutsrqponmlkjihgfedcba";

  it("keeps 2FA secrets readable with PREVIOUS_SECRET_KEYS; without it the login fails and the log says why", async () => {
    const before = await createTestApp({ env: { ...ENV, SECRET_KEY: A } });
    let rotated: TestApp | undefined;
    let forgotten: FastifyInstance | undefined;
    try {
      const u = await signUp(before.app);
      const { totpURI, backupCodes } = await enable2fa(before.app, u.bearer);

      rotated = await createTestApp({
        database: before.database,
        env: { ...ENV, SECRET_KEY: B, PREVIOUS_SECRET_KEYS: A },
      });
      const pending = await startSignIn(rotated.app, u.user.email);
      const done = await call(rotated.app, pending, "POST", "/api/auth/two-factor/verify-totp", {
        code: await totpFor(totpURI),
      });
      expect(done.statusCode).toBe(200);
      const session = asBearer(String(done.headers["set-auth-token"]));
      expect((await call(rotated.app, session, "GET", "/api/v1/workspaces")).statusCode).toBe(200);
      const backup = await startSignIn(rotated.app, u.user.email);
      const viaBackup = await call(rotated.app, backup, "POST", "/api/auth/two-factor/verify-backup-code", {
        code: backupCodes[0],
      });
      expect(viaBackup.statusCode).toBe(200);

      // The old key dropped: the stored secret cannot be decrypted, so the login cannot finish.
      // The caller gets a plain 500; the operator's log names the cause.
      const logLines: string[] = [];
      forgotten = await buildApp({
        config: testConfig({ ...ENV, SECRET_KEY: B }, before.database),
        database: before.database,
        logger: { level: "error", stream: { write: (line: string) => logLines.push(line) } },
      });
      const stuck = await startSignIn(forgotten, u.user.email);
      const refused = await call(forgotten, stuck, "POST", "/api/auth/two-factor/verify-totp", {
        code: await totpFor(totpURI),
      });
      const err = expectError(refused, 500, "INTERNAL");
      expect(err.message).not.toMatch(/secret/i);
      expect(refused.headers["set-auth-token"]).toBeUndefined();
      expect(logLines.join("\n")).toMatch(/Secret version \d+ not found in keys/);
    } finally {
      await rotated?.close();
      await forgotten?.close();
      await before.close();
    }
  });
});
