import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  anonymous,
  call,
  createTestApp,
  createWorkspace,
  expectError,
  outboxFor,
  type SignedUp,
  signUp,
  type TestApp,
  uniqueEmail,
} from "../../../test/harness.ts";

// Inviting people by email, as the inviter and the invitee see it.

const BASE_URL = "http://localhost:3000";
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" } });
});
afterAll(async () => t?.close());

const invitationsUrl = (wsId: string, id = "") =>
  `/api/v1/workspaces/${wsId}/invitations${id ? `/${id}` : ""}`;
const acceptUrl = (id: string) => `/api/v1/invitations/${id}/accept`;

async function ownerWithWorkspace(name = "Acme") {
  const owner = await signUp(t.app, { name: "Olga" });
  const ws = await createWorkspace(t.app, owner.bearer, name);
  return { owner, ws };
}

async function invite(owner: SignedUp, wsId: string, email: string, role = "operator") {
  const res = await call(t.app, owner.bearer, "POST", invitationsUrl(wsId), { email, role });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; email: string; role: string; status: string; expiresAt: string };
}

describe("invitations", () => {
  it("emails the accept link; the invitee accepts and joins with the invited role", async () => {
    const { owner, ws } = await ownerWithWorkspace("Acme Coffee");
    const email = uniqueEmail("invitee");
    const before = Date.now();
    const res = await call(t.app, owner.bearer, "POST", invitationsUrl(ws.id), { email, role: "admin" });
    expect(res.statusCode).toBe(201);
    const inv = res.json();
    expect(inv).toMatchObject({ workspaceId: ws.id, email, role: "admin", status: "pending" });
    expect(inv.id).toMatch(/^inv_[0-9a-z]{20}$/);
    expect(Date.parse(inv.expiresAt)).toBeGreaterThanOrEqual(before + 48 * 3_600_000);
    expect(Date.parse(inv.expiresAt)).toBeLessThanOrEqual(Date.now() + 48 * 3_600_000);

    const [mail] = await outboxFor(t.database, email);
    expect(mail).toMatchObject({ template: "invitation", status: "stored" });
    expect(mail!.subject).toBe("Olga invited you to Acme Coffee on MiniChat");
    expect(mail!.text).toContain(`${BASE_URL}/invitations/${inv.id}`);

    const pending = await call(t.app, owner.bearer, "GET", invitationsUrl(ws.id));
    expect(pending.json().invitations.map((i: { id: string }) => i.id)).toEqual([inv.id]);

    const invitee = await signUp(t.app, { email, name: "Ivy" });
    const accepted = await call(t.app, invitee.bearer, "POST", acceptUrl(inv.id));
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ id: ws.id, name: "Acme Coffee", role: "admin" });

    const members = (await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${ws.id}/members`)).json();
    expect(members.members.find((m: { userId: string }) => m.userId === invitee.user.id)).toMatchObject({
      email,
      name: "Ivy",
      role: "admin",
    });
    const mine = (await call(t.app, invitee.bearer, "GET", "/api/v1/workspaces")).json().workspaces;
    expect(mine.map((w: { id: string; role: string }) => [w.id, w.role])).toEqual([[ws.id, "admin"]]);
    expect((await call(t.app, owner.bearer, "GET", invitationsUrl(ws.id))).json().invitations).toEqual([]);

    const log = (await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${ws.id}/audit-log`)).json();
    const actions = log.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["invitation.created", "member.joined"]));
  });

  it("matches the invited address case-insensitively", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail("mixed");
    const inv = await invite(
      owner,
      ws.id,
      email.replace(/^./, (c) => c.toUpperCase()).replace("example", "EXAMPLE"),
    );
    expect(inv.email).toBe(email);
    const invitee = await signUp(t.app, { email });
    expect((await call(t.app, invitee.bearer, "POST", acceptUrl(inv.id))).statusCode).toBe(200);
  });

  it("someone with another email gets 404; anonymous gets 401", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const inv = await invite(owner, ws.id, uniqueEmail("right"));
    const stranger = await signUp(t.app);
    expectError(await call(t.app, stranger.bearer, "POST", acceptUrl(inv.id)), 404, "NOT_FOUND");
    expectError(await call(t.app, anonymous, "POST", acceptUrl(inv.id)), 401, "UNAUTHENTICATED");
    // Even the inviting owner cannot accept it for the invitee.
    expectError(await call(t.app, owner.bearer, "POST", acceptUrl(inv.id)), 404, "NOT_FOUND");
    expectError(await call(t.app, stranger.bearer, "GET", `/api/v1/workspaces/${ws.id}`), 404, "NOT_FOUND");
    const pending = (await call(t.app, owner.bearer, "GET", invitationsUrl(ws.id))).json().invitations;
    expect(pending.map((i: { status: string }) => i.status)).toEqual(["pending"]);
  });

  it("accepting twice answers 409 and does not duplicate the membership", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail("twice");
    const inv = await invite(owner, ws.id, email, "viewer");
    const invitee = await signUp(t.app, { email });
    expect((await call(t.app, invitee.bearer, "POST", acceptUrl(inv.id))).statusCode).toBe(200);
    expectError(await call(t.app, invitee.bearer, "POST", acceptUrl(inv.id)), 409, "CONFLICT");
    const members = (await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${ws.id}/members`)).json();
    expect(members.members.filter((m: { userId: string }) => m.userId === invitee.user.id)).toHaveLength(1);
  });

  it("a canceled invitation can no longer be accepted", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail("cancel");
    const inv = await invite(owner, ws.id, email);
    const canceled = await call(t.app, owner.bearer, "DELETE", invitationsUrl(ws.id, inv.id));
    expect(canceled.statusCode).toBe(200);
    expect(canceled.json()).toMatchObject({ id: inv.id, status: "canceled" });
    expectError(await call(t.app, owner.bearer, "DELETE", invitationsUrl(ws.id, inv.id)), 409, "CONFLICT");
    expect((await call(t.app, owner.bearer, "GET", invitationsUrl(ws.id))).json().invitations).toEqual([]);

    const invitee = await signUp(t.app, { email });
    expectError(await call(t.app, invitee.bearer, "POST", acceptUrl(inv.id)), 409, "CONFLICT");
    expectError(await call(t.app, invitee.bearer, "GET", `/api/v1/workspaces/${ws.id}`), 404, "NOT_FOUND");
  });

  it("inviting the same address again replaces the earlier invitation", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail("again");
    const first = await invite(owner, ws.id, email, "viewer");
    const second = await invite(owner, ws.id, email, "admin");
    expect(second.id).not.toBe(first.id);
    const invitee = await signUp(t.app, { email });
    expectError(await call(t.app, invitee.bearer, "POST", acceptUrl(first.id)), 409, "CONFLICT");
    const ok = await call(t.app, invitee.bearer, "POST", acceptUrl(second.id));
    expect(ok.json().role).toBe("admin");
  });

  it("an expired invitation cannot be accepted (409)", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const email = uniqueEmail("late");
    const inv = await invite(owner, ws.id, email);
    const invitee = await signUp(t.app, { email });
    const later = await createTestApp({
      database: t.database,
      clock: { now: () => new Date(Date.now() + 49 * 3_600_000) },
      env: { AUTH_RATE_LIMIT_MAX: "10000" },
    });
    try {
      expectError(await call(later.app, invitee.bearer, "POST", acceptUrl(inv.id)), 409, "CONFLICT");
      const listed = await call(later.app, owner.bearer, "GET", invitationsUrl(ws.id));
      expect(listed.json().invitations.find((i: { id: string }) => i.id === inv.id).status).toBe("expired");
    } finally {
      await later.close();
    }
    expectError(await call(t.app, invitee.bearer, "GET", `/api/v1/workspaces/${ws.id}`), 404, "NOT_FOUND");
  });

  it("operators and viewers cannot invite, list or cancel (403)", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const operator = await signUp(t.app);
    const viewer = await signUp(t.app);
    await addMember(t.app, owner.bearer, ws.id, operator, "operator");
    await addMember(t.app, owner.bearer, ws.id, viewer, "viewer");
    const inv = await invite(owner, ws.id, uniqueEmail("pending"));
    for (const who of [operator, viewer]) {
      const res = await call(t.app, who.bearer, "POST", invitationsUrl(ws.id), {
        email: uniqueEmail("friend"),
        role: "viewer",
      });
      expectError(res, 403, "FORBIDDEN");
      expectError(await call(t.app, who.bearer, "GET", invitationsUrl(ws.id)), 403, "FORBIDDEN");
      expectError(await call(t.app, who.bearer, "DELETE", invitationsUrl(ws.id, inv.id)), 403, "FORBIDDEN");
    }
    const pending = (await call(t.app, owner.bearer, "GET", invitationsUrl(ws.id))).json().invitations;
    expect(pending.map((i: { id: string }) => i.id)).toEqual([inv.id]);
  });

  it("an admin can invite, but nobody can invite an owner", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const admin = await signUp(t.app);
    await addMember(t.app, owner.bearer, ws.id, admin, "admin");
    const byAdmin = await call(t.app, admin.bearer, "POST", invitationsUrl(ws.id), { email: uniqueEmail() });
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json().role).toBe("operator");
    for (const who of [owner, admin]) {
      const res = await call(t.app, who.bearer, "POST", invitationsUrl(ws.id), {
        email: uniqueEmail("boss"),
        role: "owner",
      });
      expectError(res, 400, "VALIDATION_FAILED");
    }
  });

  it("validates the request (400) and sends no email", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const bad = [{ email: "not-an-email" }, { email: "" }, {}, { email: uniqueEmail(), role: "guest" }];
    for (const body of bad) {
      expectError(
        await call(t.app, owner.bearer, "POST", invitationsUrl(ws.id), body),
        400,
        "VALIDATION_FAILED",
      );
    }
    const extra = { email: uniqueEmail("extra"), role: "viewer", message: "hi" };
    expectError(
      await call(t.app, owner.bearer, "POST", invitationsUrl(ws.id), extra),
      400,
      "VALIDATION_FAILED",
    );
    expect(await outboxFor(t.database, extra.email)).toEqual([]);
    expect((await call(t.app, owner.bearer, "GET", invitationsUrl(ws.id))).json().invitations).toEqual([]);
  });

  it("refuses to invite someone who is already a member (400), without emailing them", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const member = await signUp(t.app);
    await addMember(t.app, owner.bearer, ws.id, member, "viewer");
    const before = (await outboxFor(t.database, member.user.email)).length;
    const res = await call(t.app, owner.bearer, "POST", invitationsUrl(ws.id), { email: member.user.email });
    expect(expectError(res, 400, "BAD_REQUEST").details).toEqual({
      reason: "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION",
    });
    expect(await outboxFor(t.database, member.user.email)).toHaveLength(before);
  });

  it("the link in the email opens an HTML page", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const inv = await invite(owner, ws.id, uniqueEmail("page"));
    const res = await t.app.inject({ method: "GET", url: `/invitations/${inv.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain(`/api/v1/invitations/${inv.id}/accept`);
    const evil = await t.app.inject({
      method: "GET",
      url: "/invitations/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    });
    expect(evil.statusCode).toBe(200);
    expect(evil.body).not.toContain("<script>");
  });
});

describe("invitations: tenant isolation", () => {
  it("another workspace's admin cannot list or cancel A's invitations (404)", async () => {
    const a = await ownerWithWorkspace("A");
    const b = await ownerWithWorkspace("B");
    const inv = await invite(a.owner, a.ws.id, uniqueEmail("a-invitee"));

    expectError(await call(t.app, b.owner.bearer, "GET", invitationsUrl(a.ws.id)), 404, "NOT_FOUND");
    expectError(
      await call(t.app, b.owner.bearer, "DELETE", invitationsUrl(a.ws.id, inv.id)),
      404,
      "NOT_FOUND",
    );
    const invite2 = await call(t.app, b.owner.bearer, "POST", invitationsUrl(a.ws.id), {
      email: uniqueEmail(),
    });
    expectError(invite2, 404, "NOT_FOUND");
    // A's invitation id through B's own workspace: not found either.
    expectError(
      await call(t.app, b.owner.bearer, "DELETE", invitationsUrl(b.ws.id, inv.id)),
      404,
      "NOT_FOUND",
    );
    expect((await call(t.app, b.owner.bearer, "GET", invitationsUrl(b.ws.id))).json().invitations).toEqual(
      [],
    );

    const pending = (await call(t.app, a.owner.bearer, "GET", invitationsUrl(a.ws.id))).json().invitations;
    expect(pending.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [inv.id, "pending"],
    ]);
  });
});

describe("invitations: the plan's member limit", () => {
  let free: TestApp;
  beforeAll(async () => {
    free = await createTestApp({
      env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000", DEFAULT_PLAN: "free" },
    });
  });
  afterAll(async () => free?.close());

  it("sending an invitation again at the limit replaces it (its seat is reused); a new address is refused", async () => {
    const owner = await signUp(free.app, { name: "Olga" });
    const ws = await createWorkspace(free.app, owner.bearer, "Acme");
    const email = uniqueEmail("seat");
    const send = (to: string, role = "operator") =>
      call(free.app, owner.bearer, "POST", invitationsUrl(ws.id), { email: to, role });
    const first = await send(email);
    expect(first.statusCode).toBe(201);
    const again = await send(email.toUpperCase(), "viewer");
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().id).not.toBe(first.json().id);
    expect(await outboxFor(free.database, email)).toHaveLength(2);
    const err = expectError(await send(uniqueEmail("other")), 403, "LIMIT_REACHED");
    expect(err.details).toMatchObject({ limit: "members", max: 2, used: 2 });
    const list = (await call(free.app, owner.bearer, "GET", invitationsUrl(ws.id))).json().invitations;
    expect(list.map((i: { id: string; role: string }) => [i.id, i.role])).toEqual([
      [again.json().id, "viewer"],
    ]);
  });

  it("another workspace's pending invitation to the same address does not count as a resend", async () => {
    const a = await signUp(free.app);
    const wsA = await createWorkspace(free.app, a.bearer, "A");
    const b = await signUp(free.app);
    const wsB = await createWorkspace(free.app, b.bearer, "B");
    const email = uniqueEmail("shared");
    const invite = (who: SignedUp, wsId: string, to: string) =>
      call(free.app, who.bearer, "POST", invitationsUrl(wsId), { email: to, role: "operator" });
    expect((await invite(a, wsA.id, email)).statusCode).toBe(201);
    expect((await invite(b, wsB.id, uniqueEmail("b"))).statusCode).toBe(201);
    expectError(await invite(b, wsB.id, email), 403, "LIMIT_REACHED");
  });
});
