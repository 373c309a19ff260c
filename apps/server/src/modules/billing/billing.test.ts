import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anonymous,
  call,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { auditLog } from "../../db/schema/index.ts";

// Plans, entitlements and the billing admin API against a real database. The app runs with the
// production default plan (Free) so the limits bite.

let t: TestApp;
let admin: SignedUp;

beforeAll(async () => {
  t = await createTestApp({
    env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000", DEFAULT_PLAN: "free" },
  });
  admin = await signUp(t.app, { name: "Platform Admin" });
});
afterAll(async () => {
  await t?.close();
});

async function owner(name = "Acme") {
  const u = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer, name);
  return { ...u, wsId: ws.id as string };
}

const newAgent = (o: { bearer: SignedUp["bearer"]; wsId: string }, name = "Mia") =>
  call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/agents`, {
    name,
    provider: "builtin",
    model: "builtin",
  });

describe("plans", () => {
  it("are listed publicly with limits and prices in USD, THB and RUB, yearly 20 % off", async () => {
    const res = await call(t.app, anonymous, "GET", "/api/v1/plans");
    expect(res.statusCode).toBe(200);
    const plans = res.json().plans as {
      id: string;
      limits: Record<string, number | null>;
      prices: Record<string, { monthly: number; yearly: number }>;
    }[];
    expect(plans.map((p) => p.id)).toEqual(["free", "starter", "pro", "business", "enterprise"]);
    const free = plans[0]!;
    expect(free.limits).toMatchObject({ aiReplies: 250, agents: 1, sites: 1, members: 2 });
    expect(plans.find((p) => p.id === "starter")!.limits.aiReplies).toBe(2000);
    expect(plans.find((p) => p.id === "pro")!.limits).toMatchObject({ aiReplies: 10000, sites: 10 });
    expect(plans.find((p) => p.id === "business")!.limits.aiReplies).toBe(50000);
    expect(plans.find((p) => p.id === "enterprise")!.limits).toMatchObject({ aiReplies: null, agents: null });
    const starter = plans.find((p) => p.id === "starter")!;
    for (const c of ["USD", "THB", "RUB"]) {
      const p = starter.prices[c]!;
      expect(p.yearly).toBe(p.monthly * 12 * 0.8);
    }
  });

  it("only the platform admin edits a plan; bad edits are refused", async () => {
    const o = await owner();
    expectError(
      await call(t.app, o.bearer, "PUT", "/api/v1/admin/plans/business", { name: "Mine" }),
      403,
      "FORBIDDEN",
    );
    expectError(await call(t.app, anonymous, "PUT", "/api/v1/admin/plans/business", { name: "x" }), 401);
    for (const body of [
      { limits: { aiReplies: -1 } },
      { prices: { EUR: { monthly: 1, yearly: 1 } } },
      { prices: { USD: { monthly: 1.5, yearly: 1 } } },
      { name: "" },
      { unknown: true },
    ]) {
      expectError(await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/business", body), 400);
    }
    expectError(await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/Bad Id", { name: "x" }), 400);
    expectError(
      await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/gold", { name: "x" }),
      404,
      "NOT_FOUND",
    );

    const res = await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/business", {
      limits: { sites: null },
      prices: { THB: { monthly: 700000, yearly: 6720000 }, RUB: null },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().limits.sites).toBeNull();
    expect(Object.keys(res.json().prices).sort()).toEqual(["THB", "USD"]);
    const listed = (await call(t.app, anonymous, "GET", "/api/v1/plans")).json().plans;
    expect(listed.find((p: { id: string }) => p.id === "business").prices.THB.monthly).toBe(700000);
  });
});

describe("entitlements", () => {
  it("Free allows one agent; the 403 names the plan and says max and used", async () => {
    const o = await owner();
    expect((await newAgent(o)).statusCode).toBe(201);
    const err = expectError(await newAgent(o, "Second"), 403, "LIMIT_REACHED");
    expect(err.message).toMatch(/Free plan/);
    expect(err.details).toMatchObject({ limit: "agents", max: 1, used: 1 });

    // On a bigger plan the same workspace may add more.
    await call(t.app, admin.bearer, "PUT", `/api/v1/admin/workspaces/${o.wsId}/plan`, { planId: "pro" });
    expect((await newAgent(o, "Second")).statusCode).toBe(201);
  });

  it("Free allows two members; pending invitations hold a seat", async () => {
    const o = await owner();
    const invite = (email: string) =>
      call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/invitations`, { email, role: "operator" });
    expect((await invite("first@example.com")).statusCode).toBe(201);
    const err = expectError(await invite("second@example.com"), 403, "LIMIT_REACHED");
    expect(err.details).toMatchObject({ limit: "members", max: 2, used: 2 });
  });

  it("knowledge size is capped by the plan", async () => {
    const o = await owner();
    const agent = (await newAgent(o)).json().id;
    await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/free", { limits: { knowledgeBytes: 100 } });
    try {
      const err = expectError(
        await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/agents/${agent}/sources`, {
          type: "text",
          name: "Too much",
          text: "x".repeat(500),
        }),
        403,
        "LIMIT_REACHED",
      );
      expect(err.details).toMatchObject({ limit: "knowledge_bytes", max: 100, used: 0 });
    } finally {
      await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/free", {
        limits: { knowledgeBytes: 20 * 1024 * 1024 },
      });
    }
  });
});

describe("workspace billing", () => {
  it("shows plan, period, replies used and left and every limit to members only", async () => {
    const o = await owner();
    const res = await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/billing`);
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.plan.id).toBe("free");
    expect(b.subscription).toBeNull();
    expect(b.period.key).toMatch(/^\d{4}-\d{2}$/);
    expect(b.aiReplies).toEqual({ used: 0, max: 250, left: 250, extra: 0 });
    expect(b.usage.members).toEqual({ used: 1, max: 2 });
    expect(b.alerts).toEqual([]);

    const other = await owner("Other");
    expectError(await call(t.app, other.bearer, "GET", `/api/v1/workspaces/${o.wsId}/billing`), 404);
    expectError(await call(t.app, anonymous, "GET", `/api/v1/workspaces/${o.wsId}/billing`), 401);
    expectError(await call(t.app, o.bearer, "GET", "/api/v1/workspaces/not-an-id/billing"), 400);
  });
});

describe("billing admin", () => {
  it("assigns plans, extends quota, lists workspaces and reports MRR; others get 403", async () => {
    const o = await owner("Paying");
    const other = await owner("Nosy");
    const plan = `/api/v1/admin/workspaces/${o.wsId}/plan`;
    const ext = `/api/v1/admin/workspaces/${o.wsId}/quota-extension`;
    for (const [method, url, body] of [
      ["PUT", plan, { planId: "pro" }],
      ["POST", ext, { replies: 10 }],
      ["GET", "/api/v1/admin/workspaces", undefined],
      ["GET", "/api/v1/admin/mrr", undefined],
    ] as const) {
      expectError(await call(t.app, other.bearer, method, url, body), 403, "FORBIDDEN");
    }

    expectError(await call(t.app, admin.bearer, "PUT", plan, { planId: "gold" }), 400, "VALIDATION_FAILED");
    expectError(await call(t.app, admin.bearer, "PUT", plan, { planId: "pro", interval: "weekly" }), 400);
    expectError(await call(t.app, admin.bearer, "PUT", plan, {}), 400);
    expectError(
      await call(t.app, admin.bearer, "PUT", "/api/v1/admin/workspaces/ws_0123456789abcdefghjk/plan", {
        planId: "pro",
      }),
      404,
    );
    expectError(await call(t.app, admin.bearer, "POST", ext, { replies: 0 }), 400);
    expectError(await call(t.app, admin.bearer, "POST", ext, { replies: "5" }), 400);
    expectError(await call(t.app, admin.bearer, "GET", "/api/v1/admin/workspaces?limit=0"), 400);

    const mrrBefore = (await call(t.app, admin.bearer, "GET", "/api/v1/admin/mrr")).json();
    const assigned = await call(t.app, admin.bearer, "PUT", plan, {
      planId: "starter",
      interval: "yearly",
      currency: "THB",
    });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json().plan.id).toBe("starter");
    expect(assigned.json().subscription).toMatchObject({
      status: "active",
      interval: "yearly",
      currency: "THB",
      source: "manual",
    });
    const extended = await call(t.app, admin.bearer, "POST", ext, { replies: 300 });
    expect(extended.json().aiReplies).toMatchObject({ max: 2300, extra: 300 });
    // Both changes are in the audit log, under the admin who made them.
    const audited = await t.app.ctx.db
      .select({ action: auditLog.action, metadata: auditLog.metadata })
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, o.wsId), eq(auditLog.actorUserId, admin.user.id)));
    expect(audited.map((a) => a.action).sort()).toEqual(["plan.assigned", "quota.extended"]);

    const list = (await call(t.app, admin.bearer, "GET", "/api/v1/admin/workspaces?limit=500")).json();
    expect(list.workspaces.find((w: { id: string }) => w.id === o.wsId)).toMatchObject({
      planId: "starter",
      status: "active",
      source: "manual",
      aiReplies: { used: 0, max: 2300 },
    });
    expect(list.workspaces.find((w: { id: string }) => w.id === other.wsId)).toMatchObject({
      planId: "free",
      status: null,
      aiReplies: { used: 0, max: 250 },
    });

    const starterThb = (await call(t.app, anonymous, "GET", "/api/v1/plans"))
      .json()
      .plans.find((p: { id: string }) => p.id === "starter").prices.THB;
    const mrr = (await call(t.app, admin.bearer, "GET", "/api/v1/admin/mrr")).json();
    expect(mrr.subscriptions).toBe(mrrBefore.subscriptions + 1);
    expect(mrr.mrr.THB - (mrrBefore.mrr.THB ?? 0)).toBe(Math.round(starterThb.yearly / 12));

    // Back on Free (a free plan brings no revenue, so it leaves MRR).
    await call(t.app, admin.bearer, "PUT", plan, { planId: "free" });
    const after = (await call(t.app, admin.bearer, "GET", "/api/v1/admin/mrr")).json();
    expect(after.subscriptions).toBe(mrrBefore.subscriptions);
  });
});
