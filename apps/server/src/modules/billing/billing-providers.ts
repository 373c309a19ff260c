import type { Config } from "../../platform/config.ts";
import type { Logger } from "../../platform/types.ts";
import type { BillingProvider, ProviderId } from "./billing-provider.ts";
import { createLemonSqueezyProvider } from "./lemonsqueezy/lemonsqueezy-provider.ts";
import { createStripeProvider } from "./stripe/stripe-provider.ts";

export type BillingProviders = Partial<Record<ProviderId, BillingProvider>>;

/** The payment providers this installation has keys for (none: plans are assigned by the admin). */
export function createBillingProviders(config: Config, logger?: Logger): BillingProviders {
  const out: BillingProviders = {};
  void config;
  if (config.billing.stripe) out.stripe = createStripeProvider(config.billing.stripe, logger);
  if (config.billing.lemonSqueezy) out.lemonsqueezy = createLemonSqueezyProvider(config.billing.lemonSqueezy);
  return out;
}
