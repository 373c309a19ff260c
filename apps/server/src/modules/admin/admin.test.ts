import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  anonymous,
  asBearer,
  call,
  createApiKey,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
  uniqueEmail,
} from "../../../test/harness.ts";

// The platform admin's outbox and a workspace's audit log.

let t: TestApp;
let admin: SignedUp;
let user: SignedUp;
beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" } });
  // On a fresh database the first account becomes the platform admin.
  admin = await signUp(t.app, { name: "Platform Admin" });
  user = await signUp(t.app, { name: "Normal User" });
});
afterAll(async () => t?.close());

type Email = { id: string; to: string; subject: string; text: string; template: string; status: string };
const outbox = (query = "") => `/api/v1/admin/outbox${query}`;

describe("admin outbox", () => {
  it("the first account is the platform admin and sees the emails", async () => {
    expect(admin.user.role).toBe("admin");
    expect(user.user.role).toBe("user");
    const res = await call(t.app, admin.bearer, "GET", outbox());
    expect(res.statusCode).toBe(200);
    const emails = res.json().emails as Email[];
    const toUser = emails.find((e) => e.to === user.user.email);
    expect(toUser).toMatchObject({
      subject: "Confirm your email for MiniChat",
      template: "verify-email",
      locale: "en",
      transport: "outbox",
      status: "stored",
      error: null,
    });
    expect(toUser!.text).toContain("/api/auth/verify-email?token=");
    expect(toUser).not.toHaveProperty("html");
    expect(emails.map((e) => e.to)).toContain(admin.user.email);
    // Newest first.
    const times = emails.map((e) => Date.parse((e as unknown as { createdAt: string }).createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("is refused to normal users (403), anonymous callers (401) and API keys (403)", async () => {
    expectError(await call(t.app, user.bearer, "GET", outbox()), 403, "FORBIDDEN");
    expectError(await call(t.app, user.browser, "GET", outbox()), 403, "FORBIDDEN");
    expectError(await call(t.app, anonymous, "GET", outbox()), 401, "UNAUTHENTICATED");
    const ws = await createWorkspace(t.app, admin.bearer, "Admin's own");
    const key = await createApiKey(t.app, admin.bearer, ws.id);
    expectError(await call(t.app, asBearer(key.key), "GET", outbox()), 403, "FORBIDDEN");
  });

  it("filters by recipient and limits the count", async () => {
    const email = uniqueEmail("filtered");
    const someone = await signUp(t.app, { email });
    const ws = await createWorkspace(t.app, someone.bearer, "Filter");
    await call(t.app, someone.bearer, "POST", `/api/v1/workspaces/${ws.id}/invitations`, {
      email: uniqueEmail(),
    });

    const one = await call(t.app, admin.bearer, "GET", outbox("?limit=1"));
    expect(one.statusCode).toBe(200);
    expect(one.json().emails).toHaveLength(1);
    expect(one.json().emails[0].template).toBe("invitation");

    const mine = await call(t.app, admin.bearer, "GET", outbox(`?to=${encodeURIComponent(email)}`));
    expect(mine.json().emails.map((e: Email) => [e.to, e.template])).toEqual([[email, "verify-email"]]);
    const upper = await call(
      t.app,
      admin.bearer,
      "GET",
      outbox(`?to=${encodeURIComponent(email.toUpperCase())}`),
    );
    expect(upper.json().emails.map((e: Email) => e.id)).toEqual(mine.json().emails.map((e: Email) => e.id));
    const nobody = await call(
      t.app,
      admin.bearer,
      "GET",
      outbox(`?to=${encodeURIComponent(uniqueEmail("none"))}`),
    );
    expect(nobody.json().emails).toEqual([]);

    const all = await call(t.app, admin.bearer, "GET", outbox("?limit=200"));
    expect(all.json().emails.length).toBeGreaterThanOrEqual(4);
  });

  it("validates the query (400)", async () => {
    for (const q of ["?limit=0", "?limit=201", "?limit=abc", "?limit=1.5", "?to=not-an-email", "?page=2"]) {
      expectError(await call(t.app, admin.bearer, "GET", outbox(q)), 400, "VALIDATION_FAILED");
    }
  });
});

describe("workspace audit log", () => {
  it("owners and admins read it; operators and viewers get 403", async () => {
    const owner = await signUp(t.app, { name: "Owner" });
    const ws = await createWorkspace(t.app, owner.bearer, "Audited");
    const people = { admin: await signUp(t.app), operator: await signUp(t.app), viewer: await signUp(t.app) };
    for (const role of ["admin", "operator", "viewer"] as const) {
      await addMember(t.app, owner.bearer, ws.id, people[role], role);
    }
    const url = `/api/v1/workspaces/${ws.id}/audit-log`;

    const res = await call(t.app, owner.bearer, "GET", url);
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as { action: string; actorUserId: string; targetId: string }[];
    expect(entries.find((e) => e.action === "workspace.created")).toMatchObject({
      actorUserId: owner.user.id,
      targetType: "workspace",
      targetId: ws.id,
    });
    const actions = entries.map((e) => e.action);
    expect(actions.filter((a) => a === "invitation.created")).toHaveLength(3);
    expect(actions.filter((a) => a === "member.joined")).toHaveLength(3);
    // Account-level events of these people (sign-ups) are not part of the workspace log.
    expect(actions).not.toContain("auth.sign_up");
    // Newest first.
    expect(actions[actions.length - 1]).toBe("workspace.created");

    expect((await call(t.app, people.admin.bearer, "GET", url)).statusCode).toBe(200);
    expectError(await call(t.app, people.operator.bearer, "GET", url), 403, "FORBIDDEN");
    expectError(await call(t.app, people.viewer.bearer, "GET", url), 403, "FORBIDDEN");

    // Paging two at a time walks every entry exactly once, in the same order as one big page.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        t.app,
        owner.bearer,
        "GET",
        `${url}?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.statusCode).toBe(200);
      const body = res.json() as { entries: { id: string }[]; nextCursor: string | null };
      expect(body.entries.length).toBeLessThanOrEqual(2);
      paged.push(...body.entries.map((e) => e.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(entries.map((e) => (e as unknown as { id: string }).id));
    expectError(await call(t.app, owner.bearer, "GET", `${url}?limit=0`), 400, "VALIDATION_FAILED");
    expectError(await call(t.app, owner.bearer, "GET", `${url}?cursor=yesterday`), 400, "VALIDATION_FAILED");
  });

  it("is hidden from other tenants, the platform admin and API keys", async () => {
    const owner = await signUp(t.app);
    const ws = await createWorkspace(t.app, owner.bearer, "Private");
    const url = `/api/v1/workspaces/${ws.id}/audit-log`;
    const other = await signUp(t.app);
    const otherWs = await createWorkspace(t.app, other.bearer, "Other");

    expectError(await call(t.app, other.bearer, "GET", url), 404, "NOT_FOUND");
    // Being platform admin does not open other people's workspaces.
    expectError(await call(t.app, admin.bearer, "GET", url), 404, "NOT_FOUND");
    expectError(await call(t.app, anonymous, "GET", url), 401, "UNAUTHENTICATED");
    const key = await createApiKey(t.app, owner.bearer, ws.id);
    expectError(await call(t.app, asBearer(key.key), "GET", url), 403, "FORBIDDEN");
    const otherKey = await createApiKey(t.app, other.bearer, otherWs.id);
    expectError(await call(t.app, asBearer(otherKey.key), "GET", url), 404, "NOT_FOUND");

    const otherLog = (
      await call(t.app, other.bearer, "GET", `/api/v1/workspaces/${otherWs.id}/audit-log`)
    ).json();
    expect(otherLog.entries.every((e: { targetId: string }) => e.targetId !== ws.id)).toBe(true);
  });
});
