import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";

// The plan's "sites" limit: distinct widget origins across the workspace's agents, checked when
// an owner saves allowed origins (create or update), and shown as usage on the billing page.

let t: TestApp;
let admin: SignedUp;

beforeAll(async () => {
  t = await createTestApp({
    env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000", DEFAULT_PLAN: "free" },
  });
  // The first user to sign up is the platform admin.
  admin = await signUp(t.app, { name: "Platform Admin" });
});
afterAll(async () => {
  await t?.close();
});

type Owner = SignedUp & { wsId: string };
async function owner(): Promise<Owner> {
  const u = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer, "Siam Shop");
  return { ...u, wsId: ws.id as string };
}
const agentsUrl = (o: Owner) => `/api/v1/workspaces/${o.wsId}/agents`;
const createAgent = (o: Owner, name: string, allowedOrigins?: string[]) =>
  call(t.app, o.bearer, "POST", agentsUrl(o), { name, provider: "builtin", allowedOrigins });
const setOrigins = (o: Owner, agentId: string, allowedOrigins: string[]) =>
  call(t.app, o.bearer, "PATCH", `${agentsUrl(o)}/${agentId}`, { allowedOrigins });
const sites = async (o: Owner) =>
  (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/billing`)).json().usage.sites;

describe("sites plan limit", () => {
  it("Free allows one site: a second distinct origin is refused, the same one is not", async () => {
    const o = await owner();
    const a = await createAgent(o, "Mia", ["https://shop.example"]);
    expect(a.statusCode, a.body).toBe(201);
    expect(await sites(o)).toEqual({ used: 1, max: 1 });

    // Saving the same origin again (any case: origins are lower-cased) adds no site.
    const same = await setOrigins(o, a.json().id, ["https://SHOP.example", "https://shop.example"]);
    expect(same.statusCode, same.body).toBe(200);
    const err = expectError(
      await setOrigins(o, a.json().id, ["https://shop.example", "https://blog.example"]),
      403,
      "LIMIT_REACHED",
    );
    expect(err.message).toMatch(/Free plan allows 1 sites/);
    expect(err.details).toMatchObject({ limit: "sites", max: 1, used: 1, plan: "free" });
    // Swapping the one site for another keeps the count at one.
    const swapped = await setOrigins(o, a.json().id, ["https://blog.example"]);
    expect(swapped.statusCode, swapped.body).toBe(200);
    expect(swapped.json().allowedOrigins).toEqual(["https://blog.example"]);
    expect(await sites(o)).toEqual({ used: 1, max: 1 });
    // Clearing them (any website) counts nothing.
    expect((await setOrigins(o, a.json().id, [])).statusCode).toBe(200);
    expect(await sites(o)).toEqual({ used: 0, max: 1 });
  });

  it("counts distinct origins across all agents of the workspace, not per agent", async () => {
    const o = await owner();
    const assigned = await call(t.app, admin.bearer, "PUT", `/api/v1/admin/workspaces/${o.wsId}/plan`, {
      planId: "starter",
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const a = await createAgent(o, "Mia", ["https://shop.example"]);
    const b = await createAgent(o, "Noi", ["https://shop.example"]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(await sites(o)).toEqual({ used: 1, max: 3 });

    const more = await setOrigins(o, b.json().id, [
      "https://shop.example",
      "https://blog.example",
      "http://localhost:8080",
    ]);
    expect(more.statusCode, more.body).toBe(200);
    expect(await sites(o)).toEqual({ used: 3, max: 3 });
    // A third agent may reuse the sites already declared, but not bring a fourth (on create or
    // on update).
    const c = await createAgent(o, "Ploy", ["https://blog.example"]);
    expect(c.statusCode, c.body).toBe(201);
    const err = expectError(
      await setOrigins(o, c.json().id, ["https://blog.example", "https://new.example"]),
      403,
      "LIMIT_REACHED",
    );
    expect(err.details).toMatchObject({ limit: "sites", max: 3, used: 3, plan: "starter" });
    expectError(await setOrigins(o, a.json().id, ["https://new.example"]), 403, "LIMIT_REACHED");
    expect((await call(t.app, o.bearer, "DELETE", `${agentsUrl(o)}/${c.json().id}`)).statusCode).toBe(204);
    const onCreate = expectError(await createAgent(o, "Dao", ["https://new.example"]), 403, "LIMIT_REACHED");
    expect(onCreate.details).toMatchObject({ limit: "sites", used: 3 });
    // Another workspace's sites are its own.
    const other = await owner();
    expect((await createAgent(other, "Mia", ["https://new.example"])).statusCode).toBe(201);
    expect(await sites(other)).toEqual({ used: 1, max: 1 });
    expect(await sites(o)).toEqual({ used: 3, max: 3 });
  });
});
