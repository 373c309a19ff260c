import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  asBearer,
  type Caller,
  call,
  createApiKey,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";

// The role matrix as members experience it: who may see, change and remove whom.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" } });
});
afterAll(async () => t?.close());

type Role = "owner" | "admin" | "operator" | "viewer";
type Team = {
  ws: { id: string };
  users: Record<Role, SignedUp>;
  memberIds: Record<Role, string>;
  as: Record<Role, Caller>;
};

/** A workspace with one member per role. */
async function team(): Promise<Team> {
  const [owner, admin, operator, viewer] = await Promise.all(
    ["Olga Owner", "Adam Admin", "Oscar Operator", "Vic Viewer"].map((name) => signUp(t.app, { name })),
  );
  const ws = await createWorkspace(t.app, owner!.bearer, "Team");
  const users = { owner: owner!, admin: admin!, operator: operator!, viewer: viewer! };
  const memberIds = {
    owner: "",
    admin: await addMember(t.app, owner!.bearer, ws.id, admin!, "admin"),
    operator: await addMember(t.app, owner!.bearer, ws.id, operator!, "operator"),
    viewer: await addMember(t.app, owner!.bearer, ws.id, viewer!, "viewer"),
  };
  const list = await call(t.app, owner!.bearer, "GET", `/api/v1/workspaces/${ws.id}/members`);
  memberIds.owner = list.json().members.find((m: { userId: string }) => m.userId === owner!.user.id).id;
  const as = {
    owner: owner!.bearer,
    admin: admin!.bearer,
    operator: operator!.bearer,
    viewer: viewer!.bearer,
  };
  return { ws, users, memberIds, as };
}

const ROLES: Role[] = ["owner", "admin", "operator", "viewer"];
const membersUrl = (ws: { id: string }, memberId = "") =>
  `/api/v1/workspaces/${ws.id}/members${memberId ? `/${memberId}` : ""}`;
const wsUrl = (tm: Team) => `/api/v1/workspaces/${tm.ws.id}`;
const idOf = (tm: Team, target: Role | string) => tm.memberIds[target as Role] ?? target;
/** `who` changes the role of `target` (a role name of the team, or a member id). */
const setRole = (tm: Team, who: Role | Caller, target: Role | string, role: string) =>
  call(t.app, typeof who === "string" ? tm.as[who] : who, "PATCH", membersUrl(tm.ws, idOf(tm, target)), {
    role,
  });
const remove = (tm: Team, who: Role | Caller, target: Role | string) =>
  call(t.app, typeof who === "string" ? tm.as[who] : who, "DELETE", membersUrl(tm.ws, idOf(tm, target)));
const roleOf = async (tm: Team, target: Role | string) =>
  (await call(t.app, tm.as.owner, "GET", membersUrl(tm.ws)))
    .json()
    .members.find((m: { id: string }) => m.id === idOf(tm, target))?.role as Role | undefined;
const forbidden = (res: Awaited<ReturnType<typeof call>>) => expectError(res, 403, "FORBIDDEN");
const notFound = (res: Awaited<ReturnType<typeof call>>) => expectError(res, 404, "NOT_FOUND");
const conflict = (res: Awaited<ReturnType<typeof call>>) => expectError(res, 409, "CONFLICT");

describe("members: role matrix", () => {
  let tm: Team;
  beforeAll(async () => {
    tm = await team();
  });

  it.each(ROLES)("%s can list the members with their roles", async (role) => {
    const res = await call(t.app, tm.as[role], "GET", membersUrl(tm.ws));
    expect(res.statusCode).toBe(200);
    const members = res.json().members as { id: string; email: string; role: string; name: string }[];
    expect(members.map((m) => [m.email, m.role])).toEqual(ROLES.map((r) => [tm.users[r].user.email, r]));
    expect(members.find((m) => m.role === "admin")?.name).toBe("Adam Admin");
  });

  it.each(["owner", "admin"] as const)("%s can rename the workspace", async (role) => {
    const res = await call(t.app, tm.as[role], "PATCH", wsUrl(tm), { name: `Renamed by ${role}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: `Renamed by ${role}`, role });
  });

  it.each(["operator", "viewer"] as const)("%s cannot rename the workspace (403)", async (role) => {
    const before = (await call(t.app, tm.as.owner, "GET", wsUrl(tm))).json().name;
    forbidden(await call(t.app, tm.as[role], "PATCH", wsUrl(tm), { name: "Mine" }));
    expect((await call(t.app, tm.as.owner, "GET", wsUrl(tm))).json().name).toBe(before);
  });

  it.each(["owner", "admin"] as const)("%s can create and list API keys", async (role) => {
    const created = await call(t.app, tm.as[role], "POST", `${wsUrl(tm)}/api-keys`, { name: `${role} key` });
    expect(created.statusCode).toBe(201);
    const list = await call(t.app, tm.as[role], "GET", `${wsUrl(tm)}/api-keys`);
    expect(list.statusCode).toBe(200);
    expect(list.json().apiKeys.map((k: { name: string }) => k.name)).toContain(`${role} key`);
  });

  it.each(["operator", "viewer"] as const)("%s cannot create or list API keys (403)", async (role) => {
    forbidden(await call(t.app, tm.as[role], "POST", `${wsUrl(tm)}/api-keys`, { name: "sneaky" }));
    forbidden(await call(t.app, tm.as[role], "GET", `${wsUrl(tm)}/api-keys`));
  });

  it.each(["operator", "viewer"] as const)("%s can neither change roles nor remove others", async (role) => {
    const other = role === "operator" ? "viewer" : "operator";
    forbidden(await setRole(tm, role, other, "admin"));
    forbidden(await setRole(tm, role, role, "admin"));
    forbidden(await remove(tm, role, other));
    expect(await roleOf(tm, other)).toBe(other);
    expect(await roleOf(tm, role)).toBe(role);
  });

  it("an admin cannot grant owner, nor demote or remove an owner", async () => {
    forbidden(await setRole(tm, "admin", "operator", "owner"));
    forbidden(await setRole(tm, "admin", "admin", "owner"));
    forbidden(await setRole(tm, "admin", "owner", "viewer"));
    forbidden(await remove(tm, "admin", "owner"));
    expect(await roleOf(tm, "owner")).toBe("owner");
    expect(await roleOf(tm, "operator")).toBe("operator");
    expect(await roleOf(tm, "admin")).toBe("admin");
  });
});

describe("members: changing roles and removing", () => {
  it("an admin changes a role; the change takes effect and is audited", async () => {
    const tm = await team();
    const res = await setRole(tm, "admin", "viewer", "operator");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: tm.memberIds.viewer,
      userId: tm.users.viewer.user.id,
      role: "operator",
    });
    expect(await roleOf(tm, "viewer")).toBe("operator");

    // Promoted to admin, the former viewer may now rename the workspace.
    expect((await setRole(tm, "owner", "viewer", "admin")).statusCode).toBe(200);
    expect((await call(t.app, tm.as.viewer, "PATCH", wsUrl(tm), { name: "Now admin" })).statusCode).toBe(200);
    // Setting the same role again changes nothing and is not audited.
    expect((await setRole(tm, "owner", "viewer", "admin")).json().role).toBe("admin");

    const log = await call(t.app, tm.as.owner, "GET", `${wsUrl(tm)}/audit-log`);
    type Entry = { action: string; actorUserId: string; targetId: string; metadata: unknown };
    const changes = (log.json().entries as Entry[])
      .filter((e) => e.action === "member.role_changed")
      .map((e) => [e.actorUserId, e.targetId, e.metadata]);
    const viewer = tm.users.viewer.user.id;
    expect(changes.reverse()).toEqual([
      [tm.users.admin.user.id, tm.memberIds.viewer, { from: "viewer", to: "operator", userId: viewer }],
      [tm.users.owner.user.id, tm.memberIds.viewer, { from: "operator", to: "admin", userId: viewer }],
    ]);
  });

  it("only an owner grants owner; two owners can demote each other but never the last one", async () => {
    const tm = await team();
    expect((await setRole(tm, "owner", "admin", "owner")).json().role).toBe("owner");
    // The new owner demotes the original owner.
    expect((await setRole(tm, "admin", "owner", "admin")).statusCode).toBe(200);
    expect(await roleOf(tm, "owner")).toBe("admin");
    // Now tm.users.admin is the only owner: they can neither step down nor leave.
    conflict(await setRole(tm, "admin", "admin", "viewer"));
    conflict(await remove(tm, "admin", "admin"));
    expect(await roleOf(tm, "admin")).toBe("owner");
  });

  it("a sole owner cannot demote or remove themselves (409)", async () => {
    const tm = await team();
    conflict(await setRole(tm, "owner", "owner", "admin"));
    conflict(await remove(tm, "owner", "owner"));
    expect(await roleOf(tm, "owner")).toBe("owner");
  });

  it("two owners removing or demoting each other at once still leave one owner", async () => {
    for (const method of ["DELETE", "PATCH", "DELETE", "PATCH"] as const) {
      const tm = await team();
      await setRole(tm, "owner", "admin", "owner");
      const act = (who: Role, target: Role) =>
        method === "PATCH" ? setRole(tm, who, target, "viewer") : remove(tm, who, target);
      const results = await Promise.all([act("owner", "admin"), act("admin", "owner")]);
      // The loser acts after the winner: removed, they are no longer a member (404); demoted to
      // viewer, they may no longer change roles (403).
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, method === "DELETE" ? 404 : 403]);
      const members = (await call(t.app, tm.as.operator, "GET", membersUrl(tm.ws))).json().members;
      expect(members.filter((m: { role: string }) => m.role === "owner")).toHaveLength(1);
    }
  });

  it("owners and admins remove members; the removed person loses access", async () => {
    const tm = await team();
    const byAdmin = await remove(tm, "admin", "viewer");
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json()).toEqual({ removed: true });
    notFound(await call(t.app, tm.as.viewer, "GET", wsUrl(tm)));
    notFound(await call(t.app, tm.as.viewer, "GET", membersUrl(tm.ws)));

    expect((await remove(tm, "owner", "admin")).statusCode).toBe(200);
    notFound(await call(t.app, tm.as.admin, "GET", membersUrl(tm.ws)));
    // The removed admin can no longer remove anyone either.
    notFound(await remove(tm, "admin", "operator"));
    // Removing again: the member is gone.
    notFound(await remove(tm, "owner", "admin"));

    const left = (await call(t.app, tm.as.owner, "GET", membersUrl(tm.ws))).json().members;
    expect(left.map((m: { role: string }) => m.role)).toEqual(["owner", "operator"]);
    const log = (await call(t.app, tm.as.owner, "GET", `${wsUrl(tm)}/audit-log`)).json();
    expect(log.entries.filter((e: { action: string }) => e.action === "member.removed")).toHaveLength(2);
  });

  it.each(["admin", "operator", "viewer"] as const)(
    "a %s may leave the workspace themselves",
    async (role) => {
      const tm = await team();
      expect((await remove(tm, role, role)).statusCode).toBe(200);
      notFound(await call(t.app, tm.as[role], "GET", wsUrl(tm)));
      expect((await call(t.app, tm.as[role], "GET", "/api/v1/workspaces")).json().workspaces).toEqual([]);
      expect(await roleOf(tm, role)).toBeUndefined();
    },
  );

  it("rejects unknown roles, extra fields and malformed ids (400)", async () => {
    const tm = await team();
    const url = membersUrl(tm.ws, tm.memberIds.viewer);
    for (const [target, body] of [
      [url, { role: "superuser" }],
      [url, { role: "admin", x: 1 }],
      [url, {}],
      [membersUrl(tm.ws, "nope"), { role: "admin" }],
    ] as const) {
      expectError(await call(t.app, tm.as.owner, "PATCH", target, body), 400, "VALIDATION_FAILED");
    }
    expect(await roleOf(tm, "viewer")).toBe("viewer");
  });
});

describe("members: tenant isolation", () => {
  it("a member of another workspace gets 404, by workspace id and by member id", async () => {
    const a = await team();
    const bOwner = await signUp(t.app);
    const wb = await createWorkspace(t.app, bOwner.bearer, "B");
    const viewerA = a.memberIds.viewer;

    notFound(await call(t.app, bOwner.bearer, "GET", membersUrl(a.ws)));
    notFound(await setRole(a, bOwner.bearer, viewerA, "admin"));
    notFound(await remove(a, bOwner.bearer, viewerA));
    // A's member id through B's own workspace: still not found.
    notFound(await call(t.app, bOwner.bearer, "PATCH", membersUrl(wb, viewerA), { role: "owner" }));
    notFound(await call(t.app, bOwner.bearer, "DELETE", membersUrl(wb, viewerA)));
    // And A's admin cannot reach B's members through A's workspace.
    const bMembers = (await call(t.app, bOwner.bearer, "GET", membersUrl(wb))).json().members;
    notFound(await remove(a, "admin", bMembers[0].id));
    notFound(await setRole(a, "owner", bMembers[0].id, "viewer"));

    expect(await roleOf(a, viewerA)).toBe("viewer");
    const bList = (await call(t.app, bOwner.bearer, "GET", membersUrl(wb))).json().members;
    expect(bList.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [bOwner.user.id, "owner"],
    ]);
  });

  it("API keys cannot see or manage members (403), and get 404 elsewhere", async () => {
    const a = await team();
    const key = asBearer((await createApiKey(t.app, a.as.owner, a.ws.id)).key);
    forbidden(await call(t.app, key, "GET", membersUrl(a.ws)));
    forbidden(await setRole(a, key, "viewer", "admin"));
    forbidden(await remove(a, key, "viewer"));
    const other = await signUp(t.app);
    const wb = await createWorkspace(t.app, other.bearer, "B");
    notFound(await call(t.app, key, "GET", membersUrl(wb)));
    expect(await roleOf(a, "viewer")).toBe("viewer");
  });
});
