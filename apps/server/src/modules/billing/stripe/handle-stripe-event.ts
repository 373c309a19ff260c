import type Stripe from "stripe";
import { applySubscription } from "../apply-subscription.ts";
import { saveCustomerId } from "../billing-customers.repo.ts";
import type { BillingEventRow } from "../billing-events.repo.ts";
import type { BillingDeps } from "../billing-provider.ts";
import { recordPayment } from "../record-payment.ts";
import { resolveStripeWorkspace } from "./resolve-stripe-workspace.ts";
import { prepaidPaymentFailed, prepaidPaymentSettled } from "./stripe-prepaid.ts";
import { type AnyStripeSubscription, idOf, toSubscriptionState } from "./stripe-subscription-state.ts";

type Outcome = "processed" | "ignored";

/** Invoice fields as API versions before 2025-03-31 sent them (see AnyStripeSubscription). */
type AnyStripeInvoice = Stripe.Invoice & {
  subscription?: string | Stripe.Subscription | null;
  subscription_details?: { metadata: Stripe.Metadata | null } | null;
};

/**
 * One stored Stripe event. Subscription state always goes through applySubscription (idempotent,
 * order-safe by the event's creation time); where an event only points at the subscription
 * (checkout, invoices), it is read fresh from Stripe, so a failure there makes the event fail and
 * be retried rather than be half-applied.
 */
export async function handleStripeEvent(
  stripe: Stripe,
  row: BillingEventRow,
  deps: BillingDeps,
): Promise<Outcome> {
  const event = row.payload as unknown as Stripe.Event;
  const observedAt = new Date(event.created * 1000);
  switch (event.type) {
    case "checkout.session.completed":
      if (event.data.object.mode === "payment") {
        return prepaidPaymentSettled(stripe, deps, row, event.data.object, observedAt);
      }
      return checkoutCompleted(stripe, deps, event.data.object, observedAt);
    // PromptPay confirms after the session completed (the payer scans the QR code, the bank answers).
    case "checkout.session.async_payment_succeeded":
      return prepaidPaymentSettled(stripe, deps, row, event.data.object, observedAt);
    case "checkout.session.async_payment_failed":
      return prepaidPaymentFailed(deps, event.data.object);
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      return applyStripeSubscription(deps, event.data.object, observedAt);
    case "invoice.paid":
      return invoiceSettled(stripe, deps, event.data.object, "paid", observedAt);
    case "invoice.payment_failed":
      return invoiceSettled(stripe, deps, event.data.object, "failed", observedAt);
    default:
      return "ignored";
  }
}

async function checkoutCompleted(
  stripe: Stripe,
  deps: BillingDeps,
  session: Stripe.Checkout.Session,
  observedAt: Date,
): Promise<Outcome> {
  const subscriptionId = idOf(session.subscription);
  if (session.mode !== "subscription" || !subscriptionId) return "ignored";
  const customerId = idOf(session.customer);
  const workspaceId = await resolveStripeWorkspace(deps, session.metadata, customerId);
  if (!workspaceId) {
    deps.logger.warn({ session: session.id }, "Stripe checkout for no known workspace ignored");
    return "ignored";
  }
  if (customerId) await saveCustomerId(deps.db, workspaceId, "stripe", customerId);
  const sub = await stripe.subscriptions.retrieve(subscriptionId);
  return applyStripeSubscription(deps, sub, observedAt, workspaceId);
}

async function applyStripeSubscription(
  deps: BillingDeps,
  sub: AnyStripeSubscription,
  observedAt: Date,
  knownWorkspaceId?: string,
): Promise<Outcome> {
  const workspaceId =
    knownWorkspaceId ?? (await resolveStripeWorkspace(deps, sub.metadata, idOf(sub.customer)));
  if (!workspaceId) {
    deps.logger.warn({ subscription: sub.id }, "Stripe subscription of no known workspace ignored");
    return "ignored";
  }
  const mapped = toSubscriptionState(sub, workspaceId, observedAt);
  if ("skip" in mapped) {
    deps.logger.info({ subscription: sub.id, reason: mapped.skip }, "Stripe subscription state skipped");
    return "ignored";
  }
  await applySubscription(deps, mapped.state);
  return "processed";
}

/**
 * A subscription invoice was paid or its payment failed. The subscription is read again and
 * applied first (paid: back to active; failed: past_due), then the owner gets the receipt or the
 * dunning email — a $0 invoice (a trial, a downgrade without proration) is not a payment.
 */
async function invoiceSettled(
  stripe: Stripe,
  deps: BillingDeps,
  invoice: AnyStripeInvoice,
  outcome: "paid" | "failed",
  observedAt: Date,
): Promise<Outcome> {
  const details = invoice.parent?.subscription_details;
  const subscriptionId = idOf(details?.subscription ?? invoice.subscription);
  if (!subscriptionId) return "ignored";
  const metadata = details?.metadata ?? invoice.subscription_details?.metadata ?? null;
  const workspaceId = await resolveStripeWorkspace(deps, metadata, idOf(invoice.customer));
  if (!workspaceId) {
    deps.logger.warn({ invoice: invoice.id }, "Stripe invoice of no known workspace ignored");
    return "ignored";
  }
  const sub = await stripe.subscriptions.retrieve(subscriptionId);
  await applyStripeSubscription(deps, sub, observedAt, workspaceId);
  // A first payment failing inside Checkout leaves the subscription incomplete: the payer saw
  // the error on the page, and there is no plan to lose, so no dunning email.
  if (sub.status === "incomplete" || sub.status === "incomplete_expired") return "processed";
  const amountMinor = outcome === "paid" ? invoice.amount_paid : invoice.amount_due;
  if (amountMinor > 0) {
    await recordPayment(deps, {
      provider: "stripe",
      workspaceId,
      outcome,
      amountMinor,
      currency: invoice.currency,
      receiptUrl: invoice.hosted_invoice_url ?? null,
    });
  }
  return "processed";
}
