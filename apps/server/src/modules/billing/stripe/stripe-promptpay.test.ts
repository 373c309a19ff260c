import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deliverStripeEvent,
  type FakeStripe,
  sessionIdFromUrl,
  startFakeStripe,
  stripeEnv,
  stripeEvent,
} from "../../../../test/fake-stripe.ts";
import {
  anonymous,
  call,
  createTestApp,
  createWorkspace,
  expectError,
  outboxFor,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../../test/harness.ts";
import { workspaceSubscriptions } from "../../../db/schema/index.ts";
import { addMonths } from "../period.ts";
import { billingQueues, ROLL_PERIODS_QUEUE } from "../roll-periods.ts";

// PromptPay as prepaid periods, end to end through the HTTP API against the local fake Stripe:
// a one-off THB Checkout Session, the asynchronous confirmation webhooks, extension by paying
// early, and the billing roll job taking the workspace back to Free when the period is over.

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

type Owner = SignedUp & { wsId: string; wsName: string };
async function owner(name = "Chiang Mai Tea"): Promise<Owner> {
  const u = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer, name);
  return { ...u, wsId: ws.id as string, wsName: name };
}
const post = (o: Owner, path: string, body?: object) =>
  call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/${path}`, body);
const billing = async (o: Owner) =>
  (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/billing`)).json();
const mails = async (o: Owner, template: string) =>
  (await outboxFor(t.database, o.user.email)).filter((m) => m.template === template);
const deliver = async (type: string, object: Record<string, unknown>, created: number) => {
  const event = stripeEvent(type, object, { created });
  const res = await deliverStripeEvent(t.app, event);
  expect(res.statusCode, res.body).toBe(200);
  return event;
};
const proPrice = async (currency: string, interval: "monthly" | "yearly") => {
  const plans = (await call(t.app, anonymous, "GET", "/api/v1/plans")).json().plans;
  return plans.find((p: { id: string }) => p.id === "pro").prices[currency][interval] as number;
};

/** Opens a PromptPay checkout and has the payer scan the QR code (the session completes unpaid). */
async function payWithPromptPay(o: Owner, planId = "pro", interval = "monthly") {
  const res = await post(o, "checkout", { planId, interval, currency: "THB", paymentMethod: "promptpay" });
  expect(res.statusCode, res.body).toBe(200);
  const sessionId = sessionIdFromUrl(res.json().url);
  return { sessionId, pending: fake.completePayment(sessionId) };
}

/** Pays a prepaid period: QR shown at `created`, bank confirms a little later. */
async function prepay(o: Owner, created: number, planId = "pro", interval = "monthly") {
  const { sessionId, pending } = await payWithPromptPay(o, planId, interval);
  await deliver("checkout.session.completed", pending, created);
  const paid = fake.settlePayment(sessionId, "paid");
  const event = await deliver("checkout.session.async_payment_succeeded", paid, created + 30);
  return { sessionId, paid, event, paidAt: new Date((created + 30) * 1000) };
}

describe("PromptPay checkout", () => {
  it("asks Stripe for a one-off THB payment limited to PromptPay, tagged as prepaid", async () => {
    const o = await owner();
    const before = fake.requests.length;
    const res = await post(o, "checkout", {
      planId: "pro",
      interval: "monthly",
      currency: "THB",
      paymentMethod: "promptpay",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ provider: "stripe" });
    expect(res.json().url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const sent = fake.requests.slice(before);
    // No Stripe price to look up: the amount travels in price_data.
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v1/customers",
      "POST /v1/checkout/sessions",
    ]);
    const customerId = [...fake.customers.keys()].at(-1)!;
    const metadata = { workspaceId: o.wsId, planId: "pro", interval: "monthly", kind: "prepaid" };
    expect(sent[1]!.body).toEqual({
      mode: "payment",
      customer: customerId,
      client_reference_id: o.wsId,
      line_items: [
        {
          price_data: {
            currency: "thb",
            unit_amount: String(await proPrice("THB", "monthly")),
            product_data: {
              name: "MiniChat Pro — 1 month",
              metadata: { planId: "pro", interval: "monthly" },
            },
          },
          quantity: "1",
        },
      ],
      allowed_payment_method_types: ["promptpay"],
      metadata,
      payment_intent_data: { metadata },
      invoice_creation: { enabled: "true", invoice_data: { metadata } },
      success_url: `http://localhost:3000/workspaces/${o.wsId}/billing?checkout=success`,
      cancel_url: `http://localhost:3000/workspaces/${o.wsId}/billing?checkout=canceled`,
    });
    expect(fake.sessions.get(sessionIdFromUrl(res.json().url))!.payment_method_types).toEqual(["promptpay"]);
    // Yearly: the yearly THB price, the same customer.
    const mark = fake.requests.length;
    expect(
      (
        await post(o, "checkout", {
          planId: "pro",
          interval: "yearly",
          currency: "THB",
          paymentMethod: "promptpay",
        })
      ).statusCode,
    ).toBe(200);
    const yearly = fake.requests.slice(mark);
    expect(yearly.map((r) => r.path)).toEqual(["/v1/checkout/sessions"]);
    expect(yearly[0]!.body).toMatchObject({
      customer: customerId,
      line_items: [
        {
          price_data: {
            unit_amount: String(await proPrice("THB", "yearly")),
            product_data: { name: "MiniChat Pro — 1 year" },
          },
        },
      ],
    });
  });

  it("refuses PromptPay outside THB or Stripe, and unknown methods, before asking Stripe", async () => {
    const o = await owner();
    const other = await owner("Other Shop");
    const before = fake.requests.length;
    const body = { planId: "pro", interval: "monthly", currency: "THB", paymentMethod: "promptpay" };
    const usd = expectError(
      await post(o, "checkout", { ...body, currency: "USD" }),
      400,
      "PRICE_NOT_AVAILABLE",
    );
    expect(usd.message).toMatch(/PromptPay .*THB/);
    expect(
      (await post(o, "checkout", { ...body, provider: "lemonsqueezy" })).statusCode,
    ).toBeGreaterThanOrEqual(400);
    expectError(await post(o, "checkout", { ...body, paymentMethod: "bitcoin" }), 400, "VALIDATION_FAILED");
    expectError(await post(o, "checkout", { ...body, planId: "free" }), 400, "PRICE_NOT_AVAILABLE");
    expectError(
      await call(t.app, other.bearer, "POST", `/api/v1/workspaces/${o.wsId}/billing/checkout`, body),
      404,
    );
    expect(fake.requests.length).toBe(before);
  });
});

describe("PromptPay payments", () => {
  it("confirmed asynchronously: Pro until the period ends, a receipt once, replays change nothing", async () => {
    const o = await owner();
    const created = Math.floor(Date.now() / 1000) - 600;
    const { sessionId, pending } = await payWithPromptPay(o);
    expect(pending).toMatchObject({ status: "complete", payment_status: "unpaid" });
    // The QR code was shown; the money has not arrived: nothing is granted yet.
    await deliver("checkout.session.completed", pending, created);
    expect((await billing(o)).plan.id).toBe("free");
    expect(await mails(o, "payment-succeeded")).toHaveLength(0);

    const paid = fake.settlePayment(sessionId, "paid");
    const succeeded = await deliver("checkout.session.async_payment_succeeded", paid, created + 30);
    const paidAt = new Date((created + 30) * 1000);
    const b = await billing(o);
    expect(b.plan.id).toBe("pro");
    expect(b.aiReplies.max).toBe(10000);
    expect(b.subscription).toMatchObject({
      status: "active",
      source: "stripe",
      interval: "monthly",
      currency: "THB",
      cancelAtPeriodEnd: true,
      currentPeriodEnd: addMonths(paidAt, 1).toISOString(),
    });
    expect(b.period.start).toBe(paidAt.toISOString());
    const receipts = await mails(o, "payment-succeeded");
    expect(receipts).toHaveLength(1);
    const invoice = fake.invoices.get(fake.sessions.get(sessionId)!.invoice as string)!;
    expect(receipts[0]!.text).toContain(invoice.hosted_invoice_url as string);
    expect(await mails(o, "subscription-changed")).toHaveLength(1);

    // Stripe redelivers the same event; and a paid `completed` about the same session arrives.
    const again = await deliverStripeEvent(t.app, succeeded);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    await deliver("checkout.session.completed", paid, created + 40);
    await deliver("checkout.session.async_payment_succeeded", paid, created + 50);
    const after = await billing(o);
    expect(after.subscription.currentPeriodEnd).toBe(b.subscription.currentPeriodEnd);
    expect(await mails(o, "payment-succeeded")).toHaveLength(1);
    expect(await mails(o, "subscription-changed")).toHaveLength(1);

    // The portal still opens (invoices, receipts); there is no subscription to change; a card
    // subscription waits for the prepaid period to end.
    const portal = await post(o, "portal");
    expect(portal.statusCode, portal.body).toBe(200);
    expect(fake.calls("POST", "/v1/billing_portal/sessions").at(-1)!.body.customer).toBe(paid.customer);
    const change = expectError(
      await post(o, "change", { planId: "business", interval: "monthly" }),
      409,
      "NO_SUBSCRIPTION",
    );
    expect(change.message).toMatch(/new checkout/);
    expectError(
      await post(o, "checkout", { planId: "pro", interval: "monthly", currency: "THB" }),
      409,
      "SUBSCRIPTION_EXISTS",
    );
  });

  it("a failed PromptPay payment: a failure email, still Free", async () => {
    const o = await owner();
    const created = Math.floor(Date.now() / 1000) - 600;
    const { sessionId, pending } = await payWithPromptPay(o);
    await deliver("checkout.session.completed", pending, created);
    await deliver(
      "checkout.session.async_payment_failed",
      fake.settlePayment(sessionId, "failed"),
      created + 60,
    );
    const b = await billing(o);
    expect(b.plan.id).toBe("free");
    expect(b.subscription).toBeNull();
    const failed = await mails(o, "payment-failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.text).toContain("Pro");
    expect(failed[0]!.text).toMatch(/free plan's limits/);
    expect(await mails(o, "payment-succeeded")).toHaveLength(0);
  });

  it("paying early extends the period instead of overlapping it; another plan takes the time left", async () => {
    const o = await owner();
    const start = Math.floor(Date.now() / 1000) - 3 * 86_400;
    const first = await prepay(o, start);
    const firstEnd = addMonths(first.paidAt, 1);
    // Three days in, the owner pays for the next month.
    const second = await prepay(o, start + 86_400);
    let b = await billing(o);
    expect(b.plan.id).toBe("pro");
    expect(b.subscription.currentPeriodEnd).toBe(addMonths(firstEnd, 1).toISOString());
    expect(b.period.start).toBe(second.paidAt.toISOString());
    // Then a year of Business: it applies now, and the two months already paid carry over.
    await prepay(o, start + 2 * 86_400, "business", "yearly");
    b = await billing(o);
    expect(b.plan.id).toBe("business");
    expect(b.subscription).toMatchObject({ interval: "yearly", cancelAtPeriodEnd: true });
    expect(b.subscription.currentPeriodEnd).toBe(addMonths(addMonths(firstEnd, 1), 12).toISOString());
    expect(await mails(o, "payment-succeeded")).toHaveLength(3);
  });

  it("when the prepaid period is over, the roll job takes the workspace back to Free", async () => {
    const o = await owner();
    await prepay(o, Math.floor(Date.now() / 1000) - 600);
    expect((await billing(o)).plan.id).toBe("pro");
    const [row] = await t.database.db
      .select()
      .from(workspaceSubscriptions)
      .where(eq(workspaceSubscriptions.workspaceId, o.wsId));
    const roll = async (now: Date) => {
      const queue = billingQueues({ ...t.app.ctx.billing, clock: { now: () => now } }).find(
        (q) => q.name === ROLL_PERIODS_QUEUE,
      )!;
      await queue.handler(
        {},
        { id: "test", attempt: 1, lastAttempt: false, signal: new AbortController().signal },
      );
    };
    // An hour before the end nothing happens; an hour after, the period is over.
    await roll(new Date(row!.currentPeriodEnd!.getTime() - 3_600_000));
    expect((await billing(o)).plan.id).toBe("pro");
    await t.database.db
      .update(workspaceSubscriptions)
      .set({ currentPeriodEnd: new Date(Date.now() - 60_000) })
      .where(eq(workspaceSubscriptions.workspaceId, o.wsId));
    await roll(new Date());
    const b = await billing(o);
    expect(b.plan.id).toBe("free");
    expect(b.subscription).toMatchObject({ status: "canceled", cancelAtPeriodEnd: false });
    const changed = await mails(o, "subscription-changed");
    expect(changed).toHaveLength(2);
    expect(changed[0]!.subject).toMatch(/cancel|ended/i);
    // Once is enough: the next run finds nothing to end.
    await roll(new Date());
    expect(await mails(o, "subscription-changed")).toHaveLength(2);
    // And a new PromptPay checkout is possible again.
    expect(
      (
        await post(o, "checkout", {
          planId: "pro",
          interval: "monthly",
          currency: "THB",
          paymentMethod: "promptpay",
        })
      ).statusCode,
    ).toBe(200);
  });
});
