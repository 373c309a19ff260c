import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deliverStripeEvent,
  type FakeStripe,
  sessionIdFromUrl,
  signWebhook,
  startFakeStripe,
  stripeEnv,
  stripeEvent,
} from "../../../../test/fake-stripe.ts";
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
import { billingEvents, workspaceSubscriptions } from "../../../db/schema/index.ts";

// A workspace's life as a Stripe customer, end to end: checkout, signed webhooks from the local
// Stripe, what the owner then sees at GET /billing and in their mailbox. Events carry Stripe's
// `created` seconds; `at()` hands out increasing ones so the order of states is explicit.

let fake: FakeStripe;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({
    env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000", DEFAULT_PLAN: "free", ...stripeEnv(fake) },
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

let clock = Math.floor(Date.now() / 1000) - 3600;
const at = (ahead = 1) => {
  clock += ahead;
  return clock;
};

type Owner = SignedUp & { wsId: string };

async function owner(): Promise<Owner> {
  const u = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer, "Bangkok Books");
  return { ...u, wsId: ws.id };
}

const billing = async (o: Owner) => {
  const res = await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/billing`);
  expect(res.statusCode).toBe(200);
  return res.json();
};

const mails = async (o: Owner, template: string) =>
  (await outboxFor(t.database, o.user.email)).filter((m) => m.template === template);

const deliver = async (type: string, object: Record<string, unknown>, created = at()) => {
  const res = await deliverStripeEvent(t.app, stripeEvent(type, object, { created }));
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { received: true; duplicate: boolean };
};

/** Owner pays on Stripe's page; Stripe tells MiniChat (checkout completed, subscription created). */
async function subscribe(o: Owner, planId: string, interval = "monthly", currency = "USD") {
  const res = await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/checkout`, {
    planId,
    interval,
    currency,
  });
  expect(res.statusCode, res.body).toBe(200);
  const { session, subscription } = fake.completeCheckout(sessionIdFromUrl(res.json().url));
  expect(await deliver("checkout.session.completed", session)).toEqual({ received: true, duplicate: false });
  await deliver("customer.subscription.created", subscription);
  return subscription.id;
}

const periodOf = (sub: Record<string, unknown>) => {
  const item = (sub.items as { data: { current_period_start: number; current_period_end: number }[] })
    .data[0]!;
  return { start: item.current_period_start, end: item.current_period_end };
};

describe("Stripe subscription lifecycle", () => {
  it("Free → Pro on payment, receipt once however often Stripe delivers, cancel at period end, deleted → Free", async () => {
    const o = await owner();
    const free = await billing(o);
    expect(free.plan.id).toBe("free");
    expect(free.aiReplies.max).toBe(250);
    expect(free.paymentProviders).toContain("stripe");

    const subId = await subscribe(o, "pro");
    const b = await billing(o);
    expect(b.plan.id).toBe("pro");
    expect(b.aiReplies.max).toBe(10000);
    const { start, end } = periodOf(fake.subscription(subId));
    expect(b.subscription).toMatchObject({
      status: "active",
      source: "stripe",
      planId: "pro",
      interval: "monthly",
      currency: "USD",
      cancelAtPeriodEnd: false,
      currentPeriodEnd: new Date(end * 1000).toISOString(),
      scheduledPlanId: null,
    });
    expect(b.period.start).toBe(new Date(start * 1000).toISOString());
    const [row] = await t.database.db
      .select()
      .from(workspaceSubscriptions)
      .where(eq(workspaceSubscriptions.workspaceId, o.wsId));
    expect(row).toMatchObject({ provider: "stripe", providerSubscriptionId: subId });
    expect(row!.providerCustomerId).toMatch(/^cus_/);
    expect(row!.providerPriceId).toMatch(/^price_/);
    expect(await mails(o, "subscription-changed")).toHaveLength(1);

    // The first invoice is paid: a receipt linking Stripe's hosted invoice.
    const invoice = fake.settleInvoice(subId, "paid", "subscription_create");
    const paid = stripeEvent("invoice.paid", invoice, { created: at() });
    const first = await deliverStripeEvent(t.app, paid);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    const receipts = await mails(o, "payment-succeeded");
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.html).toContain(String(invoice.hosted_invoice_url));

    // Stripe delivers the same event again (it retries until it sees a 2xx in time).
    const replay = await deliverStripeEvent(t.app, paid);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ received: true, duplicate: true });
    expect(await mails(o, "payment-succeeded")).toHaveLength(1);
    expect(await mails(o, "subscription-changed")).toHaveLength(1);
    const stored = await t.database.db
      .select()
      .from(billingEvents)
      .where(and(eq(billingEvents.provider, "stripe"), eq(billingEvents.eventId, paid.id)));
    expect(stored).toMatchObject([{ status: "processed", type: "invoice.paid" }]);

    // Canceled in the portal, effective at the period end: the plan stays until then.
    const uncanceled = fake.subscription(subId);
    const canceled = fake.patchSubscription(subId, { cancel_at_period_end: true, canceled_at: at(0) });
    const newer = at(10);
    const older = newer - 5;
    await deliver("customer.subscription.updated", canceled, newer);
    // An older state arriving late changes nothing.
    await deliver("customer.subscription.updated", uncanceled, older);
    const c = await billing(o);
    expect(c.plan.id).toBe("pro");
    expect(c.subscription).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
    const changed = await mails(o, "subscription-changed");
    expect(changed).toHaveLength(2);

    // The period ended: Stripe deletes the subscription and the workspace is back on Free.
    await deliver("customer.subscription.deleted", fake.cancel(subId));
    const gone = await billing(o);
    expect(gone.plan.id).toBe("free");
    expect(gone.aiReplies.max).toBe(250);
    expect(gone.subscription).toMatchObject({ status: "canceled" });
    expect(await mails(o, "subscription-changed")).toHaveLength(3);

    // Canceled: a new checkout is allowed again (and reuses the Stripe customer).
    const customers = fake.customers.size;
    const again = await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/checkout`, {
      planId: "starter",
      interval: "monthly",
      currency: "USD",
    });
    expect(again.statusCode).toBe(200);
    expect(fake.customers.size).toBe(customers);
  });

  it("downgrade waits for the renewal; upgrade is prorated and immediate", async () => {
    const o = await owner();
    const subId = await subscribe(o, "business");
    expect((await billing(o)).aiReplies.max).toBe(50000);
    expectError(
      await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/checkout`, {
        planId: "pro",
        interval: "monthly",
        currency: "USD",
      }),
      409,
      "SUBSCRIPTION_EXISTS",
    );
    const change = (planId: string, interval = "monthly") =>
      call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/change`, { planId, interval });

    expectError(await change("business"), 409, "CONFLICT");
    expectError(await change("gold"), 400, "PRICE_NOT_AVAILABLE");

    // Down to Starter: Stripe swaps the price without proration, billed from the next period.
    const itemId = (fake.subscription(subId).items as { data: { id: string }[] }).data[0]!.id;
    const down = await change("starter");
    expect(down.statusCode, down.body).toBe(200);
    expect(down.json().plan.id).toBe("business");
    const update = fake.calls("POST", `/v1/subscriptions/${subId}`).at(-1)!.body;
    const starterPrice = [...fake.prices.values()].find((p) =>
      String(p.lookup_key).startsWith("minichat_starter_monthly_usd_"),
    )!;
    expect(update).toEqual({
      items: [{ id: itemId, price: starterPrice.id }],
      proration_behavior: "none",
      metadata: { workspaceId: o.wsId, planId: "starter", interval: "monthly" },
    });
    await deliver("customer.subscription.updated", fake.subscription(subId));
    const scheduled = await billing(o);
    expect(scheduled.plan.id).toBe("business");
    expect(scheduled.aiReplies.max).toBe(50000);
    expect(scheduled.subscription).toMatchObject({ planId: "business", scheduledPlanId: "starter" });
    expect((await mails(o, "subscription-changed")).length).toBe(2);

    // The renewal: a new period at the new price.
    const renewed = fake.renew(subId);
    await deliver("customer.subscription.updated", renewed);
    const after = await billing(o);
    expect(after.plan.id).toBe("starter");
    expect(after.aiReplies.max).toBe(2000);
    expect(after.subscription).toMatchObject({
      scheduledPlanId: null,
      currentPeriodEnd: new Date(periodOf(renewed).end * 1000).toISOString(),
    });

    // Up to Pro: prorated, and in force as soon as Stripe confirms.
    const up = await change("pro");
    expect(up.statusCode, up.body).toBe(200);
    expect(fake.calls("POST", `/v1/subscriptions/${subId}`).at(-1)!.body).toMatchObject({
      proration_behavior: "create_prorations",
      metadata: { planId: "pro" },
    });
    await deliver("customer.subscription.updated", fake.subscription(subId));
    const upgraded = await billing(o);
    expect(upgraded.plan.id).toBe("pro");
    expect(upgraded.aiReplies.max).toBe(10000);
    expect(upgraded.subscription.scheduledPlanId).toBeNull();

    // Stripe unavailable during a change: 502, nothing changes here.
    fake.failWith(503);
    try {
      expectError(await change("business"), 502, "BILLING_PROVIDER_UNAVAILABLE");
    } finally {
      fake.heal();
    }
    expect((await billing(o)).plan.id).toBe("pro");
  });

  it("failed renewal: past due with the plan kept for the grace period, Free after it, active again when paid", async () => {
    const o = await owner();
    const subId = await subscribe(o, "pro");

    await deliver("invoice.payment_failed", fake.settleInvoice(subId, "failed"));
    const due = await billing(o);
    expect(due.subscription.status).toBe("past_due");
    expect(due.plan.id).toBe("pro");
    expect(due.aiReplies.max).toBe(10000);
    expect(due.subscription.graceEndsAt).not.toBeNull();
    const failed = await mails(o, "payment-failed");
    expect(failed).toHaveLength(1);
    expect(await mails(o, "payment-succeeded")).toHaveLength(0);

    // Stripe keeps retrying; the grace period (7 days by default) runs out meanwhile.
    await t.database.db
      .update(workspaceSubscriptions)
      .set({ pastDueSince: new Date(Date.now() - 8 * 86_400_000) })
      .where(eq(workspaceSubscriptions.workspaceId, o.wsId));
    const lapsed = await billing(o);
    expect(lapsed.plan.id).toBe("free");
    expect(lapsed.aiReplies.max).toBe(250);

    // Stripe gives up retrying (unpaid): still past due, still Free.
    await deliver("customer.subscription.updated", fake.patchSubscription(subId, { status: "unpaid" }));
    expect((await billing(o)).subscription.status).toBe("past_due");

    // The customer updates the card; the retry succeeds.
    await deliver("invoice.paid", fake.settleInvoice(subId, "paid"));
    const back = await billing(o);
    expect(back.subscription).toMatchObject({ status: "active", pastDueSince: null, graceEndsAt: null });
    expect(back.plan.id).toBe("pro");
    expect(await mails(o, "payment-succeeded")).toHaveLength(1);
  });
});

describe("Stripe webhook deliveries", () => {
  it("refuses bad signatures with 400 and stores nothing", async () => {
    const o = await owner();
    const subId = await subscribe(o, "starter");
    const event = stripeEvent("customer.subscription.deleted", fake.cancel(subId), { created: at() });
    const { payload, headers } = signWebhook(event);
    const count = async () =>
      (await t.database.db.select().from(billingEvents).where(eq(billingEvents.eventId, event.id))).length;
    const post = (body: string, h: Record<string, string>) =>
      t.app.inject({ method: "POST", url: "/api/v1/billing/stripe/webhook", payload: body, headers: h });

    for (const res of [
      await post(payload.replace('"canceled"', '"active"'), headers),
      await post(payload, { "content-type": "application/json" }),
      await post(payload, signWebhook(event, "whsec_someone_else_entirely").headers),
      await post(payload, signWebhook(event, undefined, Math.floor(Date.now() / 1000) - 301).headers),
      await post(payload, { ...headers, "stripe-signature": "t=1,v1=deadbeef" }),
    ]) {
      expectError(res, 400, "WEBHOOK_SIGNATURE_INVALID");
    }
    expectError(await post("", headers), 400);
    expect(await count()).toBe(0);
    expect((await billing(o)).plan.id).toBe("starter");

    // Four minutes old is within Stripe's tolerance.
    const late = await post(
      payload,
      signWebhook(event, undefined, Math.floor(Date.now() / 1000) - 240).headers,
    );
    expect(late.statusCode).toBe(200);
    expect((await billing(o)).plan.id).toBe("free");
  });

  it("acknowledges event types it does not use, and reads subscriptions of older API versions", async () => {
    const ack = await deliver("customer.updated", { id: "cus_x", object: "customer", metadata: {} });
    expect(ack).toEqual({ received: true, duplicate: false });
    const [row] = await t.database.db
      .select()
      .from(billingEvents)
      .where(eq(billingEvents.type, "customer.updated"));
    expect(row!.status).toBe("ignored");

    // A webhook endpoint pinned to an API version before 2025-03-31 sends the period on the
    // subscription itself; the plan only in the subscription's metadata.
    const o = await owner();
    const subId = await subscribe(o, "starter");
    const modern = fake.subscription(subId) as unknown as Record<string, unknown> & {
      items: { data: object[] };
    };
    const start = at(0) + 86_400;
    const legacy = {
      ...modern,
      current_period_start: start,
      current_period_end: start + 30 * 86_400,
      metadata: { workspaceId: o.wsId, planId: "pro", interval: "monthly" },
      items: {
        ...modern.items,
        data: [
          {
            id: "si_legacy",
            object: "subscription_item",
            price: { id: "price_legacy", object: "price", currency: "usd", metadata: {}, lookup_key: null },
            quantity: 1,
          },
        ],
      },
    };
    await deliver("customer.subscription.updated", legacy);
    const b = await billing(o);
    expect(b.plan.id).toBe("pro");
    expect(b.subscription.currentPeriodEnd).toBe(new Date((start + 30 * 86_400) * 1000).toISOString());
  });

  it("answers 5xx when handling fails, so Stripe redelivers; the redelivery applies it once", async () => {
    const o = await owner();
    const res = await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/checkout`, {
      planId: "pro",
      interval: "yearly",
      currency: "THB",
    });
    const { session } = fake.completeCheckout(sessionIdFromUrl(res.json().url));
    const event = stripeEvent("checkout.session.completed", session, { created: at() });

    // Reading the subscription back from Stripe fails.
    fake.failWith(500, (method, path) => method === "GET" && path.startsWith("/v1/subscriptions/"));
    try {
      const failed = await deliverStripeEvent(t.app, event);
      expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      fake.heal();
    }
    const [stored] = await t.database.db
      .select()
      .from(billingEvents)
      .where(eq(billingEvents.eventId, event.id));
    expect(stored).toMatchObject({ status: "failed", attempts: 1 });
    expect((await billing(o)).plan.id).toBe("free");

    const retried = await deliverStripeEvent(t.app, event);
    expect(retried.statusCode).toBe(200);
    const b = await billing(o);
    expect(b.plan.id).toBe("pro");
    expect(b.subscription).toMatchObject({ interval: "yearly", currency: "THB", status: "active" });
    expect(await mails(o, "subscription-changed")).toHaveLength(1);
    expect((await deliverStripeEvent(t.app, event)).json()).toEqual({ received: true, duplicate: true });
    expect(await mails(o, "subscription-changed")).toHaveLength(1);
  });
});
