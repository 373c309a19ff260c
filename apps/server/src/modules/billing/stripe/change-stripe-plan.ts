import type Stripe from "stripe";
import type { BillingInterval } from "../billing-provider.ts";
import type { PlanRow, SubscriptionRow } from "../plans.repo.ts";
import { findOrCreatePrice } from "./stripe-prices.ts";

/**
 * Swaps the price of the subscription's one item. Upgrades are prorated (the difference for the
 * rest of the period is billed); downgrades are not, and Stripe bills the new price from the
 * next renewal — the customer.subscription.updated that follows keeps the paid-for plan as
 * scheduled until then (apply-subscription.ts).
 */
export async function changeStripePlan(
  stripe: Stripe,
  input: { subscription: SubscriptionRow; plan: PlanRow; interval: BillingInterval; upgrade: boolean },
): Promise<void> {
  const subscriptionId = input.subscription.providerSubscriptionId;
  if (!subscriptionId) throw new Error("subscription without a Stripe id");
  const current = await stripe.subscriptions.retrieve(subscriptionId);
  const item = current.items.data[0];
  if (!item) throw new Error(`Stripe subscription ${subscriptionId} has no items`);
  const price = await findOrCreatePrice(stripe, input.plan, input.interval, input.subscription.currency);
  await stripe.subscriptions.update(subscriptionId, {
    items: [{ id: item.id, price: price.id }],
    proration_behavior: input.upgrade ? "create_prorations" : "none",
    metadata: {
      workspaceId: input.subscription.workspaceId,
      planId: input.plan.id,
      interval: input.interval,
    },
  });
}
