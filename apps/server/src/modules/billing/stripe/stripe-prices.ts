import type Stripe from "stripe";
import { AppError } from "../../../platform/errors.ts";
import type { BillingInterval } from "../billing-provider.ts";
import type { PlanRow } from "../plans.repo.ts";

// Stripe prices are made on demand from our plans table instead of being configured by price id:
// the lookup key names plan, interval, currency and amount, so a price edited by the admin gets
// a new Stripe price (running subscriptions keep theirs) and nothing has to be copied from the
// Stripe dashboard. See docs/decisions/018-stripe-prices-on-demand.md.

const KEY = /^minichat_([a-z][a-z0-9-]*)_(monthly|yearly)_([a-z]{3})_(\d+)$/;

export function priceLookupKey(planId: string, interval: BillingInterval, currency: string, amount: number) {
  return `minichat_${planId}_${interval}_${currency.toLowerCase()}_${amount}`;
}

/** Plan and interval named by one of our lookup keys (null for a price made elsewhere). */
export function parsePriceLookupKey(key: string | null | undefined) {
  const m = key ? KEY.exec(key) : null;
  return m ? { planId: m[1]!, interval: m[2] as BillingInterval } : null;
}

/** The Stripe price for this plan, interval and currency at the plan's current amount. */
export async function findOrCreatePrice(
  stripe: Stripe,
  plan: PlanRow,
  interval: BillingInterval,
  currency: string,
): Promise<Stripe.Price> {
  const amount = plan.prices[currency]?.[interval];
  if (!amount) {
    throw new AppError(
      "PRICE_NOT_AVAILABLE",
      `The ${plan.name} plan has no ${interval} price in ${currency}`,
      {
        planId: plan.id,
        interval,
        currency,
      },
    );
  }
  const lookupKey = priceLookupKey(plan.id, interval, currency, amount);
  const found = await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 });
  if (found.data[0]) return found.data[0];
  return stripe.prices.create({
    currency: currency.toLowerCase(),
    unit_amount: amount,
    recurring: { interval: interval === "yearly" ? "year" : "month" },
    lookup_key: lookupKey,
    // Two checkouts racing to create the same price: the later one takes the key over instead
    // of failing; both prices carry the plan in their metadata, so either subscription maps back.
    transfer_lookup_key: true,
    nickname: `${plan.name} (${interval}, ${currency.toUpperCase()})`,
    product_data: { name: `MiniChat ${plan.name}`, metadata: { planId: plan.id } },
    metadata: { planId: plan.id, interval },
  });
}
