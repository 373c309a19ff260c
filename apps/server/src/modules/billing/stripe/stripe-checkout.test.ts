import { eq } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeStripe,
  signWebhook,
  startFakeStripe,
  stripeEnv,
  stripeEvent,
} from "../../../../test/fake-stripe.ts";
import {
  addMember,
  anonymous,
  call,
  createTestApp,
  createWorkspace,
  expectError,
  signUp,
  type TestApp,
} from "../../../../test/harness.ts";
import { closedPort } from "../../../../test/smtp-server.ts";
import { billingCustomers } from "../../../db/schema/index.ts";
import { AppError } from "../../../platform/errors.ts";
import { createStripeProvider } from "./stripe-provider.ts";

// Starting a Stripe subscription through the HTTP API, against a local server speaking Stripe's
// API: what MiniChat asks Stripe for (prices by lookup key, the customer, the Checkout Session),
// and the requests it refuses before Stripe is asked.

let fake: FakeStripe;
let t: TestApp;

const env = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000", DEFAULT_PLAN: "free" };

beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({ env: { ...env, ...stripeEnv(fake) } });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

async function owner(name = "Siam Coffee") {
  const u = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer, name);
  return { ...u, wsId: ws.id as string, wsName: name };
}

const checkout = (o: { bearer: { headers: Record<string, string> }; wsId: string }, body: object) =>
  call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/checkout`, body);

async function proPrice(currency: string, interval: "monthly" | "yearly") {
  const plans = (await call(t.app, anonymous, "GET", "/api/v1/plans")).json().plans;
  return plans.find((p: { id: string }) => p.id === "pro").prices[currency][interval] as number;
}

describe("Stripe checkout", () => {
  it("makes the price once by lookup key, subscribes by card (also in THB), tags the workspace, reuses the customer", async () => {
    const o = await owner();
    const before = fake.requests.length;

    const res = await checkout(o, { planId: "pro", interval: "monthly", currency: "THB" });
    expect(res.statusCode).toBe(200);
    expect(res.json().provider).toBe("stripe");
    expect(res.json().url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);

    const sent = fake.requests.slice(before);
    for (const r of sent) {
      expect(r.headers.authorization).toBe(`Bearer ${fake.secretKey}`);
      expect(r.headers["stripe-version"]).toMatch(/^\d{4}-\d{2}-\d{2}\./);
    }
    const amount = await proPrice("THB", "monthly");
    const lookupKey = `minichat_pro_monthly_thb_${amount}`;
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/prices",
      "POST /v1/prices",
      "POST /v1/customers",
      "POST /v1/checkout/sessions",
    ]);
    expect(sent[0]!.query).toMatchObject({ lookup_keys: [lookupKey], active: "true" });
    expect(sent[1]!.body).toMatchObject({
      currency: "thb",
      unit_amount: String(amount),
      recurring: { interval: "month" },
      lookup_key: lookupKey,
      product_data: { name: "MiniChat Pro" },
      metadata: { planId: "pro", interval: "monthly" },
    });
    expect(sent[2]!.body).toEqual({ email: o.user.email, name: o.wsName, metadata: { workspaceId: o.wsId } });
    const customerId = [...fake.customers.keys()].at(-1)!;
    const priceId = [...fake.prices.values()].find((p) => p.lookup_key === lookupKey)!.id;
    const metadata = { workspaceId: o.wsId, planId: "pro", interval: "monthly" };
    expect(sent[3]!.body).toEqual({
      mode: "subscription",
      customer: customerId,
      client_reference_id: o.wsId,
      line_items: [{ price: priceId, quantity: "1" }],
      allowed_payment_method_types: ["card"],
      metadata,
      subscription_data: { metadata },
      success_url: `http://localhost:3000/workspaces/${o.wsId}/billing?checkout=success`,
      cancel_url: `http://localhost:3000/workspaces/${o.wsId}/billing?checkout=canceled`,
    });
    const saved = await t.database.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.workspaceId, o.wsId));
    expect(saved).toMatchObject([{ provider: "stripe", customerId }]);

    // The owner came back without paying and tries yearly in dollars: same customer, card only.
    const mark = fake.requests.length;
    expect((await checkout(o, { planId: "pro", interval: "yearly", currency: "USD" })).statusCode).toBe(200);
    const again = fake.requests.slice(mark);
    expect(again.filter((r) => r.path === "/v1/customers")).toHaveLength(0);
    const session = again.find((r) => r.path === "/v1/checkout/sessions")!.body;
    expect(session.customer).toBe(customerId);
    expect(session.allowed_payment_method_types).toEqual(["card"]);
    expect(again.find((r) => r.method === "POST" && r.path === "/v1/prices")!.body).toMatchObject({
      lookup_key: `minichat_pro_yearly_usd_${await proPrice("USD", "yearly")}`,
      recurring: { interval: "year" },
    });

    // The THB monthly price exists now: found by its lookup key, not made twice.
    const mark2 = fake.requests.length;
    expect((await checkout(o, { planId: "pro", interval: "monthly", currency: "THB" })).statusCode).toBe(200);
    const third = fake.requests.slice(mark2);
    expect(third.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/prices",
      "POST /v1/checkout/sessions",
    ]);
    expect(third[1]!.body.line_items).toEqual([{ price: priceId, quantity: "1" }]);
  });

  it("opens the customer portal once the workspace has a Stripe customer", async () => {
    const o = await owner();
    const portal = () => call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/portal`);
    expectError(await portal(), 409, "NO_SUBSCRIPTION");

    expect((await checkout(o, { planId: "starter", interval: "monthly", currency: "USD" })).statusCode).toBe(
      200,
    );
    const res = await portal();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ provider: "stripe" });
    expect(res.json().url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    const [customer] = await t.database.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.workspaceId, o.wsId));
    expect(fake.calls("POST", "/v1/billing_portal/sessions").at(-1)!.body).toEqual({
      customer: customer!.customerId,
      return_url: `http://localhost:3000/workspaces/${o.wsId}/billing`,
    });
  });

  it("refuses unknown plans, prices and currencies with 400 before asking Stripe", async () => {
    const o = await owner();
    const before = fake.requests.length;
    for (const [body, code] of [
      [{ planId: "gold", interval: "monthly", currency: "USD" }, "PRICE_NOT_AVAILABLE"],
      [{ planId: "free", interval: "monthly", currency: "USD" }, "PRICE_NOT_AVAILABLE"],
      [{ planId: "pro", interval: "monthly", currency: "EUR" }, "VALIDATION_FAILED"],
      [{ planId: "pro", interval: "weekly", currency: "USD" }, "VALIDATION_FAILED"],
      [{ planId: "Pro!", interval: "monthly", currency: "USD" }, "VALIDATION_FAILED"],
      [{ planId: "pro", interval: "monthly" }, "VALIDATION_FAILED"],
      [{ planId: "pro", interval: "monthly", currency: "USD", price: "price_123" }, "VALIDATION_FAILED"],
    ] as const) {
      expectError(await checkout(o, body), 400, code);
    }
    expect(fake.requests.length).toBe(before);
  });

  it("keeps other workspaces and operators out", async () => {
    const o = await owner();
    const other = await owner("Other Shop");
    const body = { planId: "pro", interval: "monthly", currency: "USD" };
    const before = fake.requests.length;
    for (const [path, payload] of [
      ["checkout", body],
      ["portal", undefined],
      ["change", { planId: "pro", interval: "monthly" }],
    ] as const) {
      const url = `/api/v1/workspaces/${o.wsId}/billing/${path}`;
      expectError(await call(t.app, other.bearer, "POST", url, payload), 404);
      expectError(await call(t.app, anonymous, "POST", url, payload), 401);
    }
    const operator = await signUp(t.app);
    await addMember(t.app, o.bearer, o.wsId, operator, "operator");
    expectError(await checkout({ bearer: operator.bearer, wsId: o.wsId }, body), 403, "FORBIDDEN");
    expect(fake.requests.length).toBe(before);
    expect(
      await t.database.db.select().from(billingCustomers).where(eq(billingCustomers.workspaceId, o.wsId)),
    ).toEqual([]);
  });

  it("answers 502 when Stripe fails, and keeps no half-made customer", async () => {
    const o = await owner();
    const body = { planId: "pro", interval: "monthly", currency: "USD" };
    const saved = () =>
      t.database.db.select().from(billingCustomers).where(eq(billingCustomers.workspaceId, o.wsId));

    fake.failWith(503);
    try {
      const err = expectError(await checkout(o, body), 502, "BILLING_PROVIDER_UNAVAILABLE");
      expect(err.message).toMatch(/Stripe/);
    } finally {
      fake.heal();
    }
    expect(await saved()).toEqual([]);

    // Stripe made the customer, then failed on the session: we keep nothing.
    fake.failWith(500, (_method, path) => path === "/v1/checkout/sessions");
    try {
      expectError(await checkout(o, body), 502, "BILLING_PROVIDER_UNAVAILABLE");
    } finally {
      fake.heal();
    }
    expect(await saved()).toEqual([]);
    expect((await checkout(o, body)).statusCode).toBe(200);
    expect(await saved()).toHaveLength(1);
  });
});

describe("Stripe misconfigured", () => {
  it("unreachable API → 502; webhooks without a signing secret are refused", async () => {
    const offline = await createTestApp({
      env: {
        ...env,
        STRIPE_SECRET_KEY: fake.secretKey,
        STRIPE_API_URL: `http://127.0.0.1:${await closedPort()}`,
      },
    });
    try {
      const u = await signUp(offline.app);
      const ws = await createWorkspace(offline.app, u.bearer);
      expectError(
        await call(offline.app, u.bearer, "POST", `/api/v1/workspaces/${ws.id}/billing/checkout`, {
          planId: "pro",
          interval: "monthly",
          currency: "USD",
        }),
        502,
        "BILLING_PROVIDER_UNAVAILABLE",
      );
      expect(
        await offline.database.db
          .select()
          .from(billingCustomers)
          .where(eq(billingCustomers.workspaceId, ws.id)),
      ).toEqual([]);

      const { payload, headers } = signWebhook(
        stripeEvent("invoice.paid", { id: "in_1", object: "invoice" }),
      );
      const res = await offline.app.inject({
        method: "POST",
        url: "/api/v1/billing/stripe/webhook",
        payload,
        headers,
      });
      expectError(res, 400, "WEBHOOK_SIGNATURE_INVALID");
    } finally {
      await offline.close();
    }
  });

  it("without a signing secret, every delivery fails closed and the log says why, once", () => {
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const provider = createStripeProvider(
      { secretKey: fake.secretKey, webhookSecret: undefined, apiUrl: fake.url },
      logger,
    );
    const { payload, headers } = signWebhook(stripeEvent("invoice.paid", { id: "in_1", object: "invoice" }));
    for (let i = 0; i < 3; i++) {
      let error: unknown;
      try {
        provider.verifyWebhook(Buffer.from(payload), headers, new Date());
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toMatch(/STRIPE_WEBHOOK_SECRET is not set/);
  });
});
