import { and, eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asBearer,
  asCookie,
  call,
  cookiesFrom,
  createTestApp,
  expectError,
  outboxFor,
  STRONG_PASSWORD,
  signIn,
  signUp,
  type TestApp,
  uniqueEmail,
} from "../../../test/harness.ts";
import { auditLog, users } from "../../db/schema/index.ts";

const ORIGIN = { origin: "http://localhost:3000" };

// Many sign-ups from one IP: lift the per-IP /api/auth limit (security.test.ts covers it).
const ENV = { AUTH_RATE_LIMIT_MAX: "1000" };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: ENV });
});
afterAll(async () => t?.close());

const setCookies = (res: LightMyRequestResponse): string[] => {
  const h = res.headers["set-cookie"];
  return Array.isArray(h) ? h : h ? [h] : [];
};
const usersWithEmail = (email: string) => t.database.db.select().from(users).where(eq(users.email, email));
const sessionOf = async (headers: Record<string, string>) =>
  (await t.app.inject({ method: "GET", url: "/api/auth/get-session", headers })).json();
/** The path + query of the first link in an email text (links point at BASE_URL). */
const linkIn = (text: string) => {
  const url = new URL(text.match(/https?:\/\/\S+/)![0]);
  return url.pathname + url.search;
};

describe("sign-up and sessions", () => {
  it("signs up with a bearer token and an httpOnly SameSite=Lax cookie; sign-out ends the cookie session", async () => {
    const email = uniqueEmail("signup");
    const res = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-up/email",
      payload: { email, password: STRONG_PASSWORD, name: "Sam" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ email, name: "Sam", emailVerified: false });
    const token = String(res.headers["set-auth-token"] ?? "");
    expect(token.length).toBeGreaterThan(20);
    const sessionCookie = setCookies(res).find((c) => c.includes("session_token="));
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);

    const cookie = cookiesFrom(res);
    expect((await sessionOf({ cookie })).user.email).toBe(email);
    expect((await sessionOf({ authorization: `Bearer ${token}` })).user.email).toBe(email);

    const out = await call(t.app, asCookie(cookie), "POST", "/api/auth/sign-out", {}, ORIGIN);
    expect(out.statusCode).toBe(200);
    expect(await sessionOf({ cookie })).toBeNull();
    expectError(await call(t.app, asCookie(cookie), "GET", "/api/v1/workspaces"), 401, "UNAUTHENTICATED");
  });

  it("rejects weak, over-long and common passwords, duplicates and bad locales without writing a user", async () => {
    const attempt = (body: Record<string, unknown>) =>
      t.app.inject({ method: "POST", url: "/api/auth/sign-up/email", payload: { name: "Rae", ...body } });
    const cases: [Record<string, unknown>, string][] = [
      [{ password: "short7!" }, "PASSWORD_TOO_SHORT"],
      [{ password: "x".repeat(129) }, "PASSWORD_TOO_LONG"],
      [{ password: "password123" }, "PASSWORD_TOO_COMMON"],
      [{ password: "QWERTY123" }, "PASSWORD_TOO_COMMON"],
      [{ password: STRONG_PASSWORD, locale: "de" }, "INVALID_LOCALE"],
    ];
    for (const [body, code] of cases) {
      const email = uniqueEmail("weak");
      const err = expectError(await attempt({ email, ...body }), 400, code);
      expect(err.message.length).toBeGreaterThan(5);
      expect(await usersWithEmail(email)).toEqual([]);
    }
    // Exactly 8 and exactly 128 characters are fine.
    await signUp(t.app, { password: "tuvw-8ch" });
    await signUp(t.app, { password: `${"long-passphrase-".repeat(8)}` });

    const taken = await signUp(t.app);
    const dup = await attempt({ email: taken.user.email, password: "another-fine-passphrase" });
    expect(dup.statusCode).toBe(422);
    expect(dup.json()).toMatchObject({ error: { code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" } });
    expect(typeof dup.json().requestId).toBe("string");
    expect(await usersWithEmail(taken.user.email)).toHaveLength(1);
  });

  it("makes the first account on an empty installation the platform admin, later ones users", async () => {
    const fresh = await createTestApp();
    try {
      const first = await signUp(fresh.app);
      const second = await signUp(fresh.app);
      expect(first.user.role).toBe("admin");
      expect(second.user.role).toBe("user");
      const [row] = await fresh.database.db.select().from(users).where(eq(users.id, first.user.id));
      expect(row?.role).toBe("admin");
    } finally {
      await fresh.close();
    }
  });

  it("grants admin to exactly one of several sign-ups racing on an empty installation", async () => {
    const fresh = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "1000" } });
    try {
      const racers = await Promise.all(Array.from({ length: 6 }, () => signUp(fresh.app)));
      expect(racers.filter((r) => r.user.role === "admin")).toHaveLength(1);
      const admins = await fresh.database.db.select().from(users).where(eq(users.role, "admin"));
      expect(admins).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });
});

describe("email verification", () => {
  it("sends a verification link that marks the email verified", async () => {
    const u = await signUp(t.app);
    const [mail] = await outboxFor(t.database, u.user.email);
    expect(mail).toMatchObject({ template: "verify-email", subject: "Confirm your email for MiniChat" });
    const follow = await t.app.inject({ method: "GET", url: linkIn(mail!.text) });
    expect(follow.statusCode).toBeLessThan(400);
    expect((await sessionOf(u.bearer.headers)).user.emailVerified).toBe(true);
    const [row] = await usersWithEmail(u.user.email);
    expect(row?.emailVerified).toBe(true);
  });

  it("writes the email in the account's language", async () => {
    const th = await signUp(t.app, { locale: "th" });
    const ru = await signUp(t.app, { locale: "ru" });
    expect((await outboxFor(t.database, th.user.email))[0]?.subject).toBe("ยืนยันอีเมลของคุณสำหรับ MiniChat");
    expect((await outboxFor(t.database, ru.user.email))[0]?.subject).toBe("Подтвердите email для MiniChat");
  });

  it("with REQUIRE_EMAIL_VERIFICATION, refuses sign-in until the link is followed", async () => {
    const strict = await createTestApp({ env: { ...ENV, REQUIRE_EMAIL_VERIFICATION: "true" } });
    try {
      const email = uniqueEmail("strict");
      const up = await strict.app.inject({
        method: "POST",
        url: "/api/auth/sign-up/email",
        payload: { email, password: STRONG_PASSWORD, name: "Strict" },
      });
      expect(up.statusCode).toBe(200);
      expect(up.headers["set-auth-token"]).toBeUndefined();
      expectError(await signIn(strict.app, email), 403, "EMAIL_NOT_VERIFIED");

      const [mail] = await outboxFor(strict.database, email);
      const follow = await strict.app.inject({ method: "GET", url: linkIn(mail!.text) });
      expect(follow.statusCode).toBeLessThan(400);
      expect((await signIn(strict.app, email)).statusCode).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe("password reset", () => {
  it("resets by emailed token, refuses common passwords, revokes old sessions", async () => {
    const u = await signUp(t.app);
    const req = await t.app.inject({
      method: "POST",
      url: "/api/auth/request-password-reset",
      payload: { email: u.user.email, redirectTo: "/reset" },
    });
    expect(req.statusCode).toBe(200);
    const mail = (await outboxFor(t.database, u.user.email)).find((m) => m.template === "reset-password");
    expect(mail?.subject).toBe("Reset your MiniChat password");
    const token = mail!.text.match(/\/api\/auth\/reset-password\/([^?\s]+)\?callbackURL=/)?.[1];
    expect(token).toBeTruthy();

    const common = await t.app.inject({
      method: "POST",
      url: "/api/auth/reset-password",
      payload: { newPassword: "password123", token },
    });
    expectError(common, 400, "PASSWORD_TOO_COMMON");

    const newPassword = "copper-meadow-falcon-77";
    const reset = await t.app.inject({
      method: "POST",
      url: "/api/auth/reset-password",
      payload: { newPassword, token },
    });
    expect(reset.statusCode).toBe(200);

    expectError(await signIn(t.app, u.user.email), 401, "INVALID_EMAIL_OR_PASSWORD");
    expect((await signIn(t.app, u.user.email, newPassword)).statusCode).toBe(200);
    expectError(await call(t.app, u.bearer, "GET", "/api/v1/workspaces"), 401, "UNAUTHENTICATED");
    // The token is single-use.
    const again = await t.app.inject({
      method: "POST",
      url: "/api/auth/reset-password",
      payload: { newPassword: "another-copper-meadow-88", token },
    });
    expect(again.statusCode).toBe(400);
    expect((await signIn(t.app, u.user.email, newPassword)).statusCode).toBe(200);
  });
});

describe("session management", () => {
  it("lists sessions, revokes one, and revokes all others", async () => {
    const u = await signUp(t.app);
    const second = await signIn(t.app, u.user.email);
    const me = asBearer(String(second.headers["set-auth-token"]));

    const list = await call(t.app, me, "GET", "/api/auth/list-sessions");
    expect(list.statusCode).toBe(200);
    const sessions = list.json() as { token: string; userId: string }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => s.userId === u.user.id)).toBe(true);
    const firstToken = u.token.split(".")[0]!;
    expect(sessions.map((s) => s.token)).toContain(firstToken);

    const revoke = await call(t.app, me, "POST", "/api/auth/revoke-session", { token: firstToken });
    expect(revoke.statusCode).toBe(200);
    expectError(await call(t.app, u.bearer, "GET", "/api/v1/workspaces"), 401, "UNAUTHENTICATED");
    expect((await call(t.app, me, "GET", "/api/v1/workspaces")).statusCode).toBe(200);

    const third = asBearer(String((await signIn(t.app, u.user.email)).headers["set-auth-token"]));
    const fourth = asBearer(String((await signIn(t.app, u.user.email)).headers["set-auth-token"]));
    const others = await call(t.app, fourth, "POST", "/api/auth/revoke-other-sessions", {});
    expect(others.statusCode).toBe(200);
    for (const gone of [me, third]) {
      expectError(await call(t.app, gone, "GET", "/api/v1/workspaces"), 401, "UNAUTHENTICATED");
    }
    expect((await call(t.app, fourth, "GET", "/api/v1/workspaces")).statusCode).toBe(200);
    expect((await call(t.app, fourth, "GET", "/api/auth/list-sessions")).json()).toHaveLength(1);

    const revoked = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, u.user.id), eq(auditLog.action, "auth.session_revoked")));
    expect(revoked).toHaveLength(2);
  });
});

describe("audit trail", () => {
  it("records successful and failed sign-ins", async () => {
    const u = await signUp(t.app);
    expect((await signIn(t.app, u.user.email)).statusCode).toBe(200);
    expectError(await signIn(t.app, u.user.email, "wrong-password-123"), 401, "INVALID_EMAIL_OR_PASSWORD");

    const ok = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, u.user.id), eq(auditLog.action, "auth.sign_in")));
    expect(ok).toHaveLength(1);
    expect(ok[0]?.metadata).toEqual({ method: "password" });
    const failed = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "auth.sign_in_failed"));
    expect(failed.filter((r) => r.metadata?.email === u.user.email)).toHaveLength(1);
    const signUps = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, u.user.id), eq(auditLog.action, "auth.sign_up")));
    expect(signUps).toHaveLength(1);
  });
});
