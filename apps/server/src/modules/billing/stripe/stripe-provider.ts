import type { Logger } from "../../../platform/types.ts";
import type { BillingProvider } from "../billing-provider.ts";
import { changeStripePlan } from "./change-stripe-plan.ts";
import { createStripeCheckout } from "./create-stripe-checkout.ts";
import { handleStripeEvent } from "./handle-stripe-event.ts";
import { createStripeClient, type StripeSettings } from "./stripe-client.ts";
import { createStripeWebhookVerifier } from "./verify-stripe-webhook.ts";

/** Stripe Checkout, the Customer Portal and Stripe's webhooks behind the billing provider interface. */
export function createStripeProvider(settings: StripeSettings, logger?: Logger): BillingProvider {
  const stripe = createStripeClient(settings);
  return {
    id: "stripe",
    // Stripe charges in any currency a plan is priced in (USD, THB, RUB); prices are made on
    // demand, so nothing else needs to exist first.
    async currencies(plan, interval) {
      return Object.entries(plan.prices)
        .filter(([, price]) => !!price?.[interval])
        .map(([currency]) => currency);
    },
    createCheckout: (input) => createStripeCheckout(stripe, input),
    async createPortal({ customerId, returnUrl }) {
      const session = await stripe.billingPortal.sessions.create({
        customer: customerId,
        return_url: returnUrl,
      });
      return { url: session.url };
    },
    changePlan: (input) => changeStripePlan(stripe, input),
    verifyWebhook: createStripeWebhookVerifier(stripe, settings.webhookSecret, logger),
    handleEvent: (event, deps) => handleStripeEvent(stripe, event, deps),
  };
}
