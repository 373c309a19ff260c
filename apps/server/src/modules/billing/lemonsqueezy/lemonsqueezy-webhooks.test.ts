import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeLemonSqueezy,
  lemonSqueezyEnv,
  startFakeLemonSqueezy,
  type WebhookDelivery,
} from "../../../../test/fake-lemonsqueezy.ts";
import {
  call,
  createTestApp,
  createWorkspace,
  expectError,
  outboxFor,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../../test/harness.ts";
import { billingCustomers, billingEvents } from "../../../db/schema/index.ts";
import { createBillingProviders } from "../billing-providers.ts";
import { createLemonSqueezyClient } from "./lemonsqueezy-client.ts";
import { LS_RECONCILE_QUEUE, reconcileLemonSqueezy } from "./reconcile.ts";

// Lemon Squeezy webhooks end to end: deliveries signed exactly as Lemon Squeezy signs them,
// posted to the real route, processed inline (no job queue in this app, so a handler error would
// answer 5xx and Lemon Squeezy would retry). Subscriptions live in the local fake, which the
// reconciliation re-reads like the real API.

let t: TestApp;
let fake: FakeLemonSqueezy;

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
      DEFAULT_PLAN: "free",
      AUTH_RATE_LIMIT_MAX: "10000",
      RATE_LIMIT_MAX: "10000",
    },
  });
  const admin = await signUp(t.app, { name: "Platform Admin" });
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

type Owner = SignedUp & { wsId: string };

async function owner(name = "Acme"): Promise<Owner> {
  const u = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer, name);
  return { ...u, wsId: ws.id as string };
}

const deliver = (d: WebhookDelivery) =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/billing/lemonsqueezy/webhook",
    payload: d.body,
    headers: d.headers,
  });

const billing = async (o: Owner) =>
  (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/billing`)).json();

const mail = async (o: Owner, template: string) =>
  (await outboxFor(t.database, o.user.email)).filter((m) => m.template === template);

/** The owner checks out through the API and pays at (the fake) Lemon Squeezy; returns the subscription id. */
async function buy(o: Owner, planId: "starter" | "pro" = "starter", interval = "monthly") {
  const res = await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/checkout`, {
    planId,
    interval,
    currency: "USD",
    provider: "lemonsqueezy",
  });
  expect(res.statusCode).toBe(200);
  const checkout = fake.checkouts.at(-1)!;
  expect(res.json().url).toBe(checkout.url);
  return fake.completeCheckout(checkout.id).id;
}

async function subscribed(planId: "starter" | "pro" = "starter") {
  const o = await owner();
  const subId = await buy(o, planId);
  expect((await deliver(fake.subscriptionWebhook("subscription_created", subId))).json()).toEqual({
    received: true,
    duplicate: false,
  });
  return { ...o, subId };
}

const eventCount = async () => (await t.app.ctx.db.select().from(billingEvents)).length;

describe("subscription lifecycle", () => {
  it("checkout → subscription_created applies the plan; payment_success mails a receipt; replays change nothing", async () => {
    const o = await owner();
    const subId = await buy(o, "starter");
    const created = fake.subscriptionWebhook("subscription_created", subId);
    expect((await deliver(created)).json()).toEqual({ received: true, duplicate: false });

    const sub = fake.subscriptions.get(subId)!;
    const b = await billing(o);
    expect(b.plan.id).toBe("starter");
    expect(b.aiReplies.max).toBe(2000);
    expect(b.subscription).toMatchObject({
      status: "active",
      source: "lemonsqueezy",
      interval: "monthly",
      currency: "USD",
      cancelAtPeriodEnd: false,
      currentPeriodEnd: new Date(sub.renews_at!).toISOString(),
    });
    // The period is the month before the renewal (metering keys on it).
    expect(b.period.start).toBe(new Date(sub.created_at).toISOString());
    const [customer] = await t.app.ctx.db
      .select()
      .from(billingCustomers)
      .where(and(eq(billingCustomers.workspaceId, o.wsId), eq(billingCustomers.provider, "lemonsqueezy")));
    expect(customer?.customerId).toBe(String(sub.customer_id));
    expect(await mail(o, "subscription-changed")).toHaveLength(1);

    const paid = fake.invoiceWebhook("subscription_payment_success", subId, { total: 1900 });
    expect((await deliver(paid)).json()).toEqual({ received: true, duplicate: false });
    const receipts = await mail(o, "payment-succeeded");
    expect(receipts).toHaveLength(1);
    const invoiceUrl = JSON.parse(paid.body).data.attributes.urls.invoice_url;
    expect(receipts[0]!.html).toContain(invoiceUrl.replaceAll("&", "&amp;"));
    expect(receipts[0]!.text).toMatch(/19\.00/);

    // Lemon Squeezy redelivers the very same bytes: acknowledged, nothing happens twice.
    const events = await eventCount();
    expect((await deliver(created)).json()).toEqual({ received: true, duplicate: true });
    expect((await deliver(paid)).json()).toEqual({ received: true, duplicate: true });
    expect(await eventCount()).toBe(events);
    expect(await mail(o, "subscription-changed")).toHaveLength(1);
    expect(await mail(o, "payment-succeeded")).toHaveLength(1);
  });

  it("an older subscription state delivered late never overwrites a newer one", async () => {
    const o = await subscribed("starter");
    fake.update(o.subId, { variant_id: VARIANTS.pro.monthly });
    const upgraded = fake.subscriptionWebhook("subscription_updated", o.subId);
    const s = fake.subscriptions.get(o.subId)!;
    fake.update(o.subId, { status: "cancelled", cancelled: true, ends_at: s.renews_at });
    const cancelled = fake.subscriptionWebhook("subscription_cancelled", o.subId);

    expect((await deliver(cancelled)).statusCode).toBe(200);
    expect((await deliver(upgraded)).statusCode).toBe(200);
    const b = await billing(o);
    expect(b.plan.id).toBe("pro");
    expect(b.subscription).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
  });

  it("cancelled keeps the plan until ends_at; expired falls back to Free", async () => {
    const o = await subscribed("pro");
    const endsAt = fake.subscriptions.get(o.subId)!.renews_at!;
    fake.update(o.subId, { status: "cancelled", cancelled: true, ends_at: endsAt });
    expect((await deliver(fake.subscriptionWebhook("subscription_cancelled", o.subId))).statusCode).toBe(200);
    let b = await billing(o);
    expect(b.plan.id).toBe("pro");
    expect(b.subscription).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: true,
      currentPeriodEnd: new Date(endsAt).toISOString(),
    });
    expect(await mail(o, "subscription-changed")).toHaveLength(2);

    // The customer changes their mind in the portal…
    fake.update(o.subId, { status: "active", cancelled: false, ends_at: null });
    await deliver(fake.subscriptionWebhook("subscription_resumed", o.subId));
    expect((await billing(o)).subscription.cancelAtPeriodEnd).toBe(false);
    // …and cancels again; the period runs out.
    fake.update(o.subId, { status: "cancelled", cancelled: true, ends_at: endsAt });
    await deliver(fake.subscriptionWebhook("subscription_cancelled", o.subId));
    fake.update(o.subId, { status: "expired" });
    expect((await deliver(fake.subscriptionWebhook("subscription_expired", o.subId))).statusCode).toBe(200);
    b = await billing(o);
    expect(b.plan.id).toBe("free");
    expect(b.subscription).toMatchObject({ status: "canceled", source: "lemonsqueezy" });
    expect(await mail(o, "subscription-changed")).toHaveLength(5);
  });

  it("a failed renewal makes the subscription past_due and mails the owner; recovery makes it active", async () => {
    const o = await subscribed("starter");
    const before = await billing(o);
    // Lemon Squeezy moves renews_at to its next retry; only the payment event is delivered.
    const retryAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    fake.update(o.subId, { status: "past_due", renews_at: retryAt });
    expect((await deliver(fake.invoiceWebhook("subscription_payment_failed", o.subId))).statusCode).toBe(200);

    let b = await billing(o);
    expect(b.plan.id).toBe("starter"); // within the grace period
    expect(b.subscription.status).toBe("past_due");
    expect(b.subscription.pastDueSince).not.toBeNull();
    expect(b.subscription.graceEndsAt).not.toBeNull();
    // The period paid for stays the one usage is counted in.
    expect(b.subscription.currentPeriodEnd).toBe(before.subscription.currentPeriodEnd);
    expect(b.period.key).toBe(before.period.key);
    const dunning = await mail(o, "payment-failed");
    expect(dunning).toHaveLength(1);

    fake.update(o.subId, { status: "active" });
    expect((await deliver(fake.invoiceWebhook("subscription_payment_success", o.subId))).statusCode).toBe(
      200,
    );
    b = await billing(o);
    expect(b.subscription).toMatchObject({ status: "active", pastDueSince: null });
    expect(await mail(o, "payment-succeeded")).toHaveLength(1);
  });

  it("a paused subscription is past_due (grace, then Free limits) until it is unpaused", async () => {
    const o = await subscribed("starter");
    fake.update(o.subId, { status: "paused", pause: { mode: "void", resumes_at: null } });
    await deliver(fake.subscriptionWebhook("subscription_paused", o.subId));
    expect((await billing(o)).subscription.status).toBe("past_due");
    fake.update(o.subId, { status: "active", pause: null });
    await deliver(fake.subscriptionWebhook("subscription_unpaused", o.subId));
    expect((await billing(o)).subscription).toMatchObject({ status: "active", pastDueSince: null });
  });
});

describe("bad deliveries", () => {
  it("a bad or missing signature is refused with 400 and nothing is stored", async () => {
    const o = await owner();
    const subId = await buy(o);
    const good = fake.subscriptionWebhook("subscription_created", subId);
    const events = await eventCount();

    const tampered = { ...good, body: good.body.replace('"status":"active"', '"status":"on_trial"') };
    const wrongSecret = fake.sign(good.body, "subscription_created", "not-the-signing-secret");
    const { "x-signature": _, ...unsigned } = good.headers;
    const garbage = { ...good, headers: { ...good.headers, "x-signature": "not-hex" } };
    for (const d of [tampered, wrongSecret, { body: good.body, headers: unsigned }, garbage]) {
      const err = expectError(await deliver(d), 400, "WEBHOOK_SIGNATURE_INVALID");
      expect(err.message).toMatch(/signature/);
    }
    expectError(
      await t.app.inject({ method: "POST", url: "/api/v1/billing/lemonsqueezy/webhook", payload: "" }),
      400,
    );
    expect(await eventCount()).toBe(events);
    expect((await billing(o)).subscription).toBeNull();

    // Signed but not JSON: still refused.
    expectError(await deliver(fake.sign("not json", "subscription_created")), 400, "BAD_REQUEST");
    expect(await eventCount()).toBe(events);
  });

  it("events that concern nothing here are acknowledged and ignored", async () => {
    const orderCreated = fake.sign(
      JSON.stringify({
        meta: { event_name: "order_created", test_mode: true },
        data: { type: "orders", id: "77", attributes: { status: "paid" } },
      }),
      "order_created",
    );
    expect((await deliver(orderCreated)).json()).toEqual({ received: true, duplicate: false });

    // A subscription bought outside MiniChat (no custom data, unknown customer).
    const o = await owner();
    const subId = await buy(o);
    fake.subscriptions.get(subId)!.custom = {};
    expect((await deliver(fake.subscriptionWebhook("subscription_created", subId))).statusCode).toBe(200);
    expect((await billing(o)).subscription).toBeNull();

    const rows = await t.app.ctx.db
      .select()
      .from(billingEvents)
      .where(eq(billingEvents.provider, "lemonsqueezy"));
    const ours = rows.filter(
      (r) => r.type === "order_created" || (r.payload.data as { id?: string } | undefined)?.id === subId,
    );
    expect(ours.map((r) => r.status)).toEqual(["ignored", "ignored"]);
    expect(rows.filter((r) => r.status === "failed")).toEqual([]);
  });
});

describe("reconciliation", () => {
  const client = () => createLemonSqueezyClient(t.config.billing.lemonSqueezy!);
  const reconcile = () => reconcileLemonSqueezy(t.app.ctx.billing, client(), { minIntervalMs: 0 });

  it("runs every 30 minutes as a pg-boss cron queue", () => {
    const queues = createBillingProviders(t.config).lemonsqueezy!.queues!(t.app.ctx.billing);
    expect(queues).toEqual([expect.objectContaining({ name: LS_RECONCILE_QUEUE, cron: "*/30 * * * *" })]);
  });

  it("applies changes whose webhooks never arrived, and changes nothing when nothing changed", async () => {
    const o = await subscribed("starter");
    const other = await subscribed("pro");
    const endsAt = fake.subscriptions.get(o.subId)!.renews_at!;

    // Lemon Squeezy gave up delivering the cancellation.
    fake.update(o.subId, { status: "cancelled", cancelled: true, ends_at: endsAt });
    const first = await reconcile();
    expect(first.failed).toBe(0);
    expect(first.checked).toBeGreaterThanOrEqual(2);
    expect((await billing(o)).subscription).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
    expect(await mail(o, "subscription-changed")).toHaveLength(2);

    // Nothing changed since: no writes anyone notices, no emails.
    await reconcile();
    expect(await mail(o, "subscription-changed")).toHaveLength(2);
    expect(await mail(other, "subscription-changed")).toHaveLength(1);
    expect((await billing(other)).plan.id).toBe("pro");

    fake.update(o.subId, { status: "expired" });
    await reconcile();
    expect((await billing(o)).plan.id).toBe("free");
    // Ended subscriptions are not read again.
    const reads = () => fake.requests.filter((r) => r.path === `/v1/subscriptions/${o.subId}`).length;
    const n = reads();
    await reconcile();
    expect(reads()).toBe(n);
  });

  it("one unreachable subscription does not stop the rest", async () => {
    const o = await subscribed("starter");
    fake.subscriptions.delete(o.subId); // Lemon Squeezy answers 404 for it now
    const other = await subscribed("starter");
    fake.update(other.subId, { variant_id: VARIANTS.pro.monthly });
    const result = await reconcile();
    expect(result.failed).toBeGreaterThanOrEqual(1);
    expect((await billing(other)).plan.id).toBe("pro");
    expect((await billing(o)).plan.id).toBe("starter");
  });
});
