import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeLemonSqueezy,
  lemonSqueezyEnv,
  startFakeLemonSqueezy,
} from "../../../../test/fake-lemonsqueezy.ts";
import {
  addMember,
  anonymous,
  call,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../../test/harness.ts";
import { billingCustomers } from "../../../db/schema/index.ts";

// Paying through Lemon Squeezy, end to end through the HTTP API against a local Lemon Squeezy
// (test/fake-lemonsqueezy.ts): the admin names the variants that sell each plan, owners start
// checkouts, change plans and open the customer portal. Stripe is configured too, so every
// request that wants Lemon Squeezy says so.

let t: TestApp;
let fake: FakeLemonSqueezy;
let admin: SignedUp;

const VARIANTS = { starter: { monthly: 101, yearly: 102 }, pro: { monthly: 201, yearly: 202 } };

beforeAll(async () => {
  fake = await startFakeLemonSqueezy({ currency: "USD" });
  for (const refs of Object.values(VARIANTS)) {
    fake.addVariant(refs.monthly, { interval: "month" });
    fake.addVariant(refs.yearly, { interval: "year" });
  }
  t = await createTestApp({
    env: {
      ...lemonSqueezyEnv(fake),
      STRIPE_SECRET_KEY: "sk_test_minichat_lemonsqueezy_suite",
      STRIPE_API_URL: fake.url,
      DEFAULT_PLAN: "free",
      AUTH_RATE_LIMIT_MAX: "10000",
      RATE_LIMIT_MAX: "10000",
    },
  });
  // The first account on a fresh installation is the platform admin.
  admin = await signUp(t.app, { name: "Platform Admin" });
  for (const [planId, refs] of Object.entries(VARIANTS)) {
    const res = await call(t.app, admin.bearer, "PUT", `/api/v1/admin/plans/${planId}`, {
      providerRefs: { lemonsqueezy: { monthly: String(refs.monthly), yearly: String(refs.yearly) } },
    });
    expect(res.statusCode).toBe(200);
  }
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

async function owner(name = "Acme") {
  const u = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer, name);
  return { ...u, wsId: ws.id as string };
}

const checkout = (o: { bearer: SignedUp["bearer"]; wsId: string }, body: Record<string, unknown>) =>
  call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/checkout`, {
    provider: "lemonsqueezy",
    ...body,
  });

const deliver = (d: { body: string; headers: Record<string, string> }) =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/billing/lemonsqueezy/webhook",
    payload: d.body,
    headers: d.headers,
  });

const billing = async (o: { bearer: SignedUp["bearer"]; wsId: string }) =>
  (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/billing`)).json();

/** Checkout, payment at Lemon Squeezy, subscription_created webhook: the workspace pays for `planId`. */
async function subscribed(planId: "starter" | "pro", interval: "monthly" | "yearly" = "monthly") {
  const o = await owner();
  expect((await checkout(o, { planId, interval, currency: "USD" })).statusCode).toBe(200);
  const sub = fake.completeCheckout(fake.checkouts.at(-1)!.id);
  expect((await deliver(fake.subscriptionWebhook("subscription_created", sub.id))).statusCode).toBe(200);
  expect((await billing(o)).plan.id).toBe(planId);
  return { ...o, subId: sub.id };
}

describe("plan variants", () => {
  it("the platform admin names a plan's variants; only the admin sees them", async () => {
    const res = await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/business", {
      providerRefs: { lemonsqueezy: { monthly: "301" } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().providerRefs).toEqual({ lemonsqueezy: { monthly: "301" } });
    const removed = await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/business", {
      providerRefs: { lemonsqueezy: { monthly: null } },
    });
    expect(removed.json().providerRefs).toEqual({ lemonsqueezy: {} });

    const listed = (await call(t.app, anonymous, "GET", "/api/v1/plans")).json().plans;
    expect(listed.find((p: { id: string }) => p.id === "starter")).not.toHaveProperty("providerRefs");

    for (const refs of [{ monthly: "abc" }, { monthly: 101 }, { weekly: "5" }]) {
      expectError(
        await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/business", {
          providerRefs: { lemonsqueezy: refs },
        }),
        400,
      );
    }
    // One variant sells one plan and interval: webhooks find the plan by it.
    const taken = expectError(
      await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/business", {
        providerRefs: { lemonsqueezy: { yearly: String(VARIANTS.pro.monthly) } },
      }),
      409,
      "CONFLICT",
    );
    expect(taken.message).toMatch(/Pro/);
    expectError(
      await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/business", {
        providerRefs: { lemonsqueezy: { monthly: "300", yearly: "300" } },
      }),
      409,
      "CONFLICT",
    );
    const o = await owner();
    expectError(
      await call(t.app, o.bearer, "PUT", "/api/v1/admin/plans/business", {
        providerRefs: { lemonsqueezy: { monthly: "301" } },
      }),
      403,
      "FORBIDDEN",
    );
  });
});

describe("checkout", () => {
  it("opens a Lemon Squeezy checkout for the plan's variant, with the workspace in custom data", async () => {
    const o = await owner();
    expect((await billing(o)).paymentProviders.sort()).toEqual(["lemonsqueezy", "stripe"]);
    const before = fake.requests.length;
    const res = await checkout(o, { planId: "starter", interval: "yearly", currency: "USD" });
    expect(res.statusCode).toBe(200);
    const created = fake.checkouts.at(-1)!;
    expect(res.json()).toEqual({ provider: "lemonsqueezy", url: created.url });

    const sent = fake.requests.slice(before).find((r) => r.method === "POST" && r.path === "/v1/checkouts")!;
    expect(sent.headers).toMatchObject({
      accept: "application/vnd.api+json",
      "content-type": "application/vnd.api+json",
      authorization: `Bearer ${fake.apiKey}`,
    });
    expect(sent.body.data.relationships).toEqual({
      store: { data: { type: "stores", id: fake.storeId } },
      variant: { data: { type: "variants", id: String(VARIANTS.starter.yearly) } },
    });
    expect(sent.body.data.attributes.checkout_data).toEqual({
      email: o.user.email,
      name: o.user.name,
      custom: { workspace_id: o.wsId, plan_id: "starter", interval: "yearly", currency: "USD" },
    });
    expect(sent.body.data.attributes.product_options).toEqual({
      redirect_url: `http://localhost:3000/workspaces/${o.wsId}/billing?checkout=success`,
      enabled_variants: [VARIANTS.starter.yearly],
    });
    // Lemon Squeezy has no customer before the purchase: nothing is stored yet.
    const customers = await t.app.ctx.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.workspaceId, o.wsId));
    expect(customers).toEqual([]);
  });

  it("refuses what Lemon Squeezy cannot sell, other workspaces and members without billing rights", async () => {
    const o = await owner();
    const before = fake.checkouts.length;
    // The store sells in USD only.
    const thb = expectError(
      await checkout(o, { planId: "starter", interval: "monthly", currency: "THB" }),
      400,
      "PRICE_NOT_AVAILABLE",
    );
    expect(thb.message).toMatch(/available: USD/);
    expectError(
      await checkout(o, { planId: "gold", interval: "monthly", currency: "USD" }),
      400,
      "PRICE_NOT_AVAILABLE",
    );
    // Business has USD prices but no variant.
    expectError(
      await checkout(o, { planId: "business", interval: "monthly", currency: "USD" }),
      400,
      "PRICE_NOT_AVAILABLE",
    );
    expectError(
      await checkout(o, { planId: "starter", interval: "weekly", currency: "USD" }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(
      await checkout(o, { planId: "starter", interval: "monthly", currency: "USD", provider: "paddle" }),
      400,
    );

    const other = await owner("Nosy");
    expectError(
      await checkout({ ...other, wsId: o.wsId }, { planId: "starter", interval: "monthly", currency: "USD" }),
      404,
    );
    const operator = await signUp(t.app);
    await addMember(t.app, o.bearer, o.wsId, operator, "operator");
    expectError(
      await checkout(
        { ...operator, wsId: o.wsId },
        { planId: "starter", interval: "monthly", currency: "USD" },
      ),
      403,
    );
    expectError(
      await call(t.app, anonymous, "POST", `/api/v1/workspaces/${o.wsId}/billing/checkout`, {
        planId: "starter",
        interval: "monthly",
        currency: "USD",
      }),
      401,
    );
    expect(fake.checkouts.length).toBe(before);
  });

  it("answers 502 and saves nothing when Lemon Squeezy is down", async () => {
    const o = await owner();
    fake.failWith = 503;
    try {
      const err = expectError(
        await checkout(o, { planId: "pro", interval: "monthly", currency: "USD" }),
        502,
        "BILLING_PROVIDER_UNAVAILABLE",
      );
      expect(err.message).toMatch(/Lemon Squeezy/);
    } finally {
      fake.failWith = null;
    }
    expect((await billing(o)).subscription).toBeNull();
    const customers = await t.app.ctx.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.workspaceId, o.wsId));
    expect(customers).toEqual([]);
  });

  it("a workspace that already pays changes plan instead of checking out again", async () => {
    const o = await subscribed("starter");
    expectError(
      await checkout(o, { planId: "pro", interval: "monthly", currency: "USD" }),
      409,
      "SUBSCRIPTION_EXISTS",
    );
  });
});

describe("plan changes", () => {
  it("upgrades with prorations, downgrades without; the paid plan stays until the period ends", async () => {
    const o = await subscribed("starter");
    const change = (planId: string, interval = "monthly") =>
      call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/change`, { planId, interval });
    const lastPatch = () => fake.requests.filter((r) => r.method === "PATCH").at(-1)!;

    expect((await change("pro")).statusCode).toBe(200);
    expect(lastPatch().path).toBe(`/v1/subscriptions/${o.subId}`);
    expect(lastPatch().body).toEqual({
      data: {
        type: "subscriptions",
        id: o.subId,
        attributes: {
          variant_id: VARIANTS.pro.monthly,
          disable_prorations: false,
          invoice_immediately: true,
        },
      },
    });
    // The fake applied the PATCH; Lemon Squeezy then sends subscription_updated.
    expect((await deliver(fake.subscriptionWebhook("subscription_updated", o.subId))).statusCode).toBe(200);
    expect((await billing(o)).plan.id).toBe("pro");

    expect((await change("starter")).statusCode).toBe(200);
    expect(lastPatch().body.data.attributes).toEqual({
      variant_id: VARIANTS.starter.monthly,
      disable_prorations: true,
      invoice_immediately: false,
    });
    await deliver(fake.subscriptionWebhook("subscription_updated", o.subId));
    const b = await billing(o);
    expect(b.plan.id).toBe("pro");
    expect(b.subscription).toMatchObject({
      planId: "pro",
      scheduledPlanId: "starter",
      scheduledInterval: "monthly",
    });

    // A plan without a Lemon Squeezy variant cannot be switched to (nothing is sent).
    const patches = fake.requests.filter((r) => r.method === "PATCH").length;
    expectError(await change("business"), 400, "PRICE_NOT_AVAILABLE");
    expect(fake.requests.filter((r) => r.method === "PATCH").length).toBe(patches);

    const other = await owner("Other");
    expectError(
      await call(t.app, other.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/change`, {
        planId: "pro",
        interval: "monthly",
      }),
      404,
    );
  });

  it("answers 502 and changes nothing when Lemon Squeezy is down", async () => {
    const o = await subscribed("starter");
    fake.failWith = 503;
    try {
      expectError(
        await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/change`, {
          planId: "pro",
          interval: "monthly",
        }),
        502,
        "BILLING_PROVIDER_UNAVAILABLE",
      );
    } finally {
      fake.failWith = null;
    }
    expect(fake.subscriptions.get(o.subId)!.variant_id).toBe(VARIANTS.starter.monthly);
    expect((await billing(o)).subscription).toMatchObject({ planId: "starter", scheduledPlanId: null });
  });
});

describe("customer portal", () => {
  it("opens the subscription's signed customer portal URL, for its own workspace only", async () => {
    const o = await subscribed("pro", "yearly");
    const res = await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/portal`);
    expect(res.statusCode).toBe(200);
    expect(res.json().provider).toBe("lemonsqueezy");
    expect(res.json().url).toMatch(/^https:\/\/minichat-test\.lemonsqueezy\.com\/billing\?.*signature=/);
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: `/v1/subscriptions/${o.subId}` });

    const other = await owner("Other");
    expectError(await call(t.app, other.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/portal`), 404);
    // A workspace that never paid has no portal.
    expectError(
      await call(t.app, other.bearer, "POST", `/api/v1/workspaces/${other.wsId}/billing/portal`),
      409,
      "NO_SUBSCRIPTION",
    );
  });
});
