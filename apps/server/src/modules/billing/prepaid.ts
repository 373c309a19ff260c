import type { SubscriptionRow } from "./plans.repo.ts";

// PromptPay cannot renew a subscription (it is a single-use, asynchronous payment method), so
// it buys prepaid periods: each paid Checkout Session grants its plan for one month or year,
// recorded as a provider subscription with a synthetic id and cancelAtPeriodEnd (nothing
// renews it; the billing roll job ends it). See docs/decisions/018-stripe-prices-on-demand.md.

export const PREPAID_PREFIX = "prepaid_";

/** The synthetic subscription id of the period one paid Checkout Session bought. */
export const prepaidSubscriptionId = (sessionId: string) => `${PREPAID_PREFIX}${sessionId}`;

/** Whether this subscription is a prepaid period rather than a provider-renewed subscription. */
export function isPrepaid(
  sub: Pick<SubscriptionRow, "source" | "providerSubscriptionId"> | null | undefined,
) {
  return !!sub && sub.source !== "manual" && !!sub.providerSubscriptionId?.startsWith(PREPAID_PREFIX);
}
