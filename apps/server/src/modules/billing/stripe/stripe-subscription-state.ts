import type Stripe from "stripe";
import type { ProviderSubscriptionState } from "../apply-subscription.ts";
import type { BillingInterval } from "../billing-provider.ts";
import { parsePriceLookupKey } from "./stripe-prices.ts";

/**
 * Subscription fields as older API versions sent them. A webhook endpoint keeps the API version
 * it was created with, so events may still carry the period on the subscription (before
 * 2025-03-31) while the SDK's own reads carry it on the item.
 */
export type AnyStripeSubscription = Stripe.Subscription & {
  current_period_start?: number | null;
  current_period_end?: number | null;
};

export const idOf = (v: string | { id: string } | null | undefined): string | null =>
  typeof v === "string" ? v : (v?.id ?? null);

/**
 * Our four statuses from Stripe's eight, or null when the subscription has nothing to say yet.
 * - unpaid: Stripe gave up retrying but keeps the subscription open; the money is still owed, so
 *   it is past due and the grace period (counted from the first failure) decides the limits.
 * - paused: a trial ended without a payment method; nothing is paid for, so it grants nothing.
 * - incomplete / incomplete_expired: the first payment is pending or never came. Such a
 *   subscription never granted anything, so it changes nothing here — writing "canceled" could
 *   overwrite a plan the workspace holds otherwise (e.g. assigned by the admin).
 */
export function toOurStatus(status: Stripe.Subscription.Status): ProviderSubscriptionState["status"] | null {
  switch (status) {
    case "active":
      return "active";
    case "trialing":
      return "trialing";
    case "past_due":
    case "unpaid":
      return "past_due";
    case "canceled":
    case "paused":
      return "canceled";
    default:
      return null;
  }
}

const toInterval = (v: string | null | undefined): BillingInterval | undefined =>
  v === "monthly" || v === "yearly" ? v : v === "month" ? "monthly" : v === "year" ? "yearly" : undefined;

/**
 * A Stripe subscription in our terms, or a reason why it cannot be. The plan comes from the
 * price (its metadata, else its lookup key) because a plan changed in the customer portal
 * changes the price but not the subscription's metadata; the subscription's metadata is the
 * last resort.
 */
export function toSubscriptionState(
  sub: AnyStripeSubscription,
  workspaceId: string,
  observedAt: Date,
): { state: ProviderSubscriptionState } | { skip: string } {
  const status = toOurStatus(sub.status);
  if (!status) return { skip: `status ${sub.status}` };
  const item = sub.items?.data?.[0];
  const price = item?.price;
  const fromKey = parsePriceLookupKey(price?.lookup_key);
  const planId = price?.metadata?.planId || fromKey?.planId || sub.metadata?.planId;
  const interval =
    toInterval(price?.metadata?.interval) ??
    fromKey?.interval ??
    toInterval(price?.recurring?.interval) ??
    toInterval(sub.metadata?.interval);
  if (!planId || !interval) return { skip: "no MiniChat plan on its price or metadata" };
  const start = item?.current_period_start ?? sub.current_period_start ?? null;
  const end = item?.current_period_end ?? sub.current_period_end ?? null;
  // The portal may schedule the end as a date (cancel_at) rather than the flag; a date by the end
  // of this period is the same thing to us.
  const cancelAt = sub.cancel_at ?? null;
  const cancelAtPeriodEnd =
    sub.cancel_at_period_end || (cancelAt !== null && (end === null || cancelAt <= end));
  return {
    state: {
      provider: "stripe",
      workspaceId,
      subscriptionId: sub.id,
      customerId: idOf(sub.customer),
      priceRef: price?.id ?? null,
      planId,
      interval,
      currency: (sub.currency || price?.currency || "usd").toUpperCase(),
      status,
      currentPeriodStart: start ? new Date(start * 1000) : null,
      currentPeriodEnd: end ? new Date(end * 1000) : null,
      cancelAtPeriodEnd: status !== "canceled" && cancelAtPeriodEnd,
      observedAt,
    },
  };
}
