import { AppError } from "../../../platform/errors.ts";
import type { BillingProvider } from "../billing-provider.ts";
import { handleLemonSqueezyEvent } from "./handle-event.ts";
import { createLemonSqueezyClient, type LemonSqueezyConfig } from "./lemonsqueezy-client.ts";
import { lemonSqueezyQueues } from "./reconcile.ts";
import { verifyLemonSqueezyWebhook } from "./verify-webhook.ts";

/**
 * Lemon Squeezy as a payment provider: a merchant of record that sells variants of products made
 * in its dashboard, in the store's one currency. Plans name their variants in
 * `providerRefs.lemonsqueezy` (set by the platform admin).
 */
export function createLemonSqueezyProvider(
  cfg: LemonSqueezyConfig & { webhookSecret: string | undefined },
): BillingProvider {
  const client = createLemonSqueezyClient(cfg);

  return {
    id: "lemonsqueezy",

    async currencies(plan, interval) {
      if (!plan.providerRefs.lemonsqueezy?.[interval]) return [];
      return [await client.storeCurrency()];
    },

    async createCheckout(input) {
      const variantId = input.plan.providerRefs.lemonsqueezy?.[input.interval];
      if (!variantId) {
        throw new AppError(
          "PRICE_NOT_AVAILABLE",
          `The ${input.plan.name} plan is not sold through Lemon Squeezy ${input.interval}`,
          { planId: input.plan.id, interval: input.interval },
        );
      }
      const checkout = await client.createCheckout({
        variantId,
        email: input.payer.email,
        name: input.payer.name,
        // Comes back as meta.custom_data on every subscription webhook; values must be strings.
        custom: {
          workspace_id: input.workspace.id,
          plan_id: input.plan.id,
          interval: input.interval,
          currency: input.currency,
        },
        redirectUrl: input.successUrl,
      });
      // Lemon Squeezy creates the customer during the purchase, so there is no id to keep yet;
      // the subscription_created webhook brings it.
      return { url: checkout.attributes.url };
    },

    async createPortal({ customerId, subscription }) {
      // Both URLs are signed and valid for 24 hours, so they are fetched fresh on every request.
      if (subscription?.providerSubscriptionId) {
        const sub = await client.getSubscription(subscription.providerSubscriptionId);
        if (sub.attributes.urls.customer_portal) return { url: sub.attributes.urls.customer_portal };
      }
      const customer = await client.getCustomer(customerId);
      if (!customer.attributes.urls.customer_portal) {
        throw new AppError(
          "NO_SUBSCRIPTION",
          "Lemon Squeezy has no subscription of this workspace to manage",
        );
      }
      return { url: customer.attributes.urls.customer_portal };
    },

    async changePlan({ subscription, plan, interval, upgrade }) {
      const variantId = plan.providerRefs.lemonsqueezy?.[interval];
      if (!variantId) {
        throw new AppError(
          "PRICE_NOT_AVAILABLE",
          `The ${plan.name} plan is not sold through Lemon Squeezy ${interval}`,
          { planId: plan.id, interval },
        );
      }
      // Upgrades are prorated and invoiced now; downgrades are not prorated, so the new price
      // starts at the next renewal (our record keeps the paid-for plan until then).
      await client.updateSubscription(subscription.providerSubscriptionId!, {
        variant_id: Number(variantId),
        disable_prorations: !upgrade,
        invoice_immediately: upgrade,
      });
    },

    verifyWebhook(rawBody, headers) {
      return verifyLemonSqueezyWebhook(rawBody, headers, cfg.webhookSecret);
    },

    handleEvent(event, deps) {
      return handleLemonSqueezyEvent(event, deps, client);
    },

    queues(deps) {
      return lemonSqueezyQueues(deps, client);
    },
  };
}
