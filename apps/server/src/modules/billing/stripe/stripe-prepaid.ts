import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { billingEvents } from "../../../db/schema/index.ts";
import { applySubscription } from "../apply-subscription.ts";
import { saveCustomerId } from "../billing-customers.repo.ts";
import type { BillingEventRow } from "../billing-events.repo.ts";
import type { BillingDeps, BillingInterval } from "../billing-provider.ts";
import { grantsPlan } from "../entitlements.ts";
import { addMonths } from "../period.ts";
import { findPlan, findSubscription } from "../plans.repo.ts";
import { isPrepaid, prepaidSubscriptionId } from "../prepaid.ts";
import { recordPayment } from "../record-payment.ts";
import { resolveStripeWorkspace } from "./resolve-stripe-workspace.ts";
import { idOf } from "./stripe-subscription-state.ts";

type Outcome = "processed" | "ignored";

// Prepaid PromptPay periods (see ../prepaid.ts): a paid one-off Checkout Session grants its plan
// for one month or year from the payment, or from the end of a prepaid period still running, so
// paying early extends instead of overlapping.

const PAID_EVENTS = ["checkout.session.completed", "checkout.session.async_payment_succeeded"];

function prepaidOrder(session: Stripe.Checkout.Session) {
  const m = session.metadata;
  const interval = m?.interval;
  if (m?.kind !== "prepaid" || !m.planId || (interval !== "monthly" && interval !== "yearly")) return null;
  return { planId: m.planId, interval: interval as BillingInterval };
}

/**
 * checkout.session.completed (mode payment) or async_payment_succeeded: once the session is
 * paid, the workspace gets the plan until the period ends (cancelAtPeriodEnd: nothing renews
 * it; the billing roll job ends it) and the owner a receipt. A session grants once: its
 * `completed` and `async_payment_succeeded`, or any redelivery, change nothing the second time.
 */
export async function prepaidPaymentSettled(
  stripe: Stripe,
  deps: BillingDeps,
  row: BillingEventRow,
  session: Stripe.Checkout.Session,
  observedAt: Date,
): Promise<Outcome> {
  const order = prepaidOrder(session);
  if (session.mode !== "payment" || !order) return "ignored";
  const customerId = idOf(session.customer);
  const workspaceId = await resolveStripeWorkspace(deps, session.metadata, customerId);
  if (!workspaceId) {
    deps.logger.warn({ session: session.id }, "Stripe prepaid payment for no known workspace ignored");
    return "ignored";
  }
  if (customerId) await saveCustomerId(deps.db, workspaceId, "stripe", customerId);
  // PromptPay: the QR code was shown, the money has not arrived; async_payment_succeeded follows.
  if (session.payment_status !== "paid") return "processed";

  const subscriptionId = prepaidSubscriptionId(session.id);
  const current = await findSubscription(deps.db, workspaceId);
  if (current?.providerSubscriptionId === subscriptionId || (await sessionGranted(deps, row, session.id))) {
    return "processed";
  }
  if (current && current.source !== "manual" && !isPrepaid(current) && grantsPlan(current)) {
    // The checkout refuses PromptPay while a card subscription runs; a session opened before it
    // started and paid after must not replace a subscription Stripe keeps charging.
    deps.logger.error(
      { workspaceId, session: session.id, subscription: current.providerSubscriptionId },
      "prepaid payment while a Stripe subscription runs: not applied, refund or extend by hand",
    );
    return "processed";
  }
  const plan = await findPlan(deps.db, order.planId);
  if (!plan) {
    deps.logger.error({ workspaceId, session: session.id, planId: order.planId }, "prepaid plan unknown");
    return "processed";
  }
  // Read before the plan changes, so a Stripe failure here retries the whole event.
  const invoiceId = idOf(session.invoice);
  const receiptUrl = invoiceId
    ? ((await stripe.invoices.retrieve(invoiceId)).hosted_invoice_url ?? null)
    : null;

  // Time left on a running prepaid period carries over (onto this plan, which applies now).
  const running =
    current && isPrepaid(current) && grantsPlan(current) && current.currentPeriodEnd
      ? current.currentPeriodEnd
      : null;
  const from = running && running.getTime() > observedAt.getTime() ? running : observedAt;
  const end = addMonths(from, order.interval === "yearly" ? 12 : 1);
  await applySubscription(deps, {
    provider: "stripe",
    workspaceId,
    subscriptionId,
    customerId,
    priceRef: null,
    planId: plan.id,
    interval: order.interval,
    currency: (session.currency ?? "thb").toUpperCase(),
    status: "active",
    // The usage period starts with the payment (a fresh quota), and runs to the paid-up end.
    currentPeriodStart: observedAt,
    currentPeriodEnd: end,
    cancelAtPeriodEnd: true,
    observedAt,
  });
  await recordPayment(deps, {
    provider: "stripe",
    workspaceId,
    outcome: "paid",
    amountMinor: session.amount_total ?? 0,
    currency: session.currency ?? "thb",
    receiptUrl,
  });
  return "processed";
}

/** async_payment_failed: the PromptPay payment never arrived. Nothing changes but an email. */
export async function prepaidPaymentFailed(
  deps: BillingDeps,
  session: Stripe.Checkout.Session,
): Promise<Outcome> {
  const order = prepaidOrder(session);
  if (session.mode !== "payment" || !order) return "ignored";
  const workspaceId = await resolveStripeWorkspace(deps, session.metadata, idOf(session.customer));
  if (!workspaceId) return "ignored";
  const plan = await findPlan(deps.db, order.planId);
  await recordPayment(deps, {
    provider: "stripe",
    workspaceId,
    outcome: "failed",
    amountMinor: session.amount_total ?? 0,
    currency: session.currency ?? "thb",
    receiptUrl: null,
    ...(plan ? { planName: plan.name } : {}),
    // Nothing was granted, so nothing is kept for a grace period.
    graceDays: 0,
  });
  return "processed";
}

/** Whether another event about this session already granted its period (a paid completed + succeeded). */
async function sessionGranted(deps: BillingDeps, row: BillingEventRow, sessionId: string) {
  const [hit] = await deps.db
    .select({ id: billingEvents.id })
    .from(billingEvents)
    .where(
      and(
        eq(billingEvents.provider, "stripe"),
        eq(billingEvents.status, "processed"),
        ne(billingEvents.id, row.id),
        inArray(billingEvents.type, PAID_EVENTS),
        sql`${billingEvents.payload}->'data'->'object'->>'id' = ${sessionId}`,
        sql`${billingEvents.payload}->'data'->'object'->>'payment_status' = 'paid'`,
      ),
    )
    .limit(1);
  return !!hit;
}
