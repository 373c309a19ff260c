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
import { call, createTestApp, createWorkspace, signUp, type TestApp } from "../../../../test/harness.ts";
import { eventually } from "../../../../test/smtp-server.ts";
import { billingEvents } from "../../../db/schema/index.ts";

// With workers running, the webhook only stores the event and answers; the pg-boss job
// (billing.process-event) applies it — Stripe is not kept waiting on our handling.

let fake: FakeStripe;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({
    jobs: true,
    env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000", DEFAULT_PLAN: "free", ...stripeEnv(fake) },
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe("Stripe events in the job queue", () => {
  it("are acknowledged at once and applied by the worker", async () => {
    const o = await signUp(t.app);
    const ws = await createWorkspace(t.app, o.bearer, "Queue Cafe");
    const billing = async () =>
      (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${ws.id}/billing`)).json();
    const res = await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${ws.id}/billing/checkout`, {
      planId: "starter",
      interval: "yearly",
      currency: "RUB",
    });
    expect(res.statusCode, res.body).toBe(200);
    const { session, subscription } = fake.completeCheckout(sessionIdFromUrl(res.json().url));

    const completed = stripeEvent("checkout.session.completed", session);
    const ack = await deliverStripeEvent(t.app, completed);
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toEqual({ received: true, duplicate: false });

    const applied = await eventually(async () => {
      const b = await billing();
      return b.plan.id === "starter" ? b : undefined;
    });
    expect(applied?.subscription).toMatchObject({ status: "active", interval: "yearly", currency: "RUB" });
    expect(applied?.aiReplies.max).toBe(2000);
    const [row] = await t.database.db
      .select()
      .from(billingEvents)
      .where(eq(billingEvents.eventId, completed.id));
    expect(row).toMatchObject({ status: "processed", attempts: 1 });

    // Later events go the same way: Stripe ends the subscription, the worker moves it to Free.
    const deleted = stripeEvent("customer.subscription.deleted", fake.cancel(subscription.id), {
      created: (completed.created as number) + 1,
    });
    expect((await deliverStripeEvent(t.app, deleted)).statusCode).toBe(200);
    const back = await eventually(async () => {
      const b = await billing();
      return b.plan.id === "free" ? b : undefined;
    });
    expect(back?.subscription?.status).toBe("canceled");
  });
});
