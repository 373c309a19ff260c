import type { Config } from "../../platform/config.ts";
import type { BillingProvider, ProviderId } from "./billing-provider.ts";

export type BillingProviders = Partial<Record<ProviderId, BillingProvider>>;

/** The payment providers this installation has keys for (none: plans are assigned by the admin). */
export function createBillingProviders(config: Config): BillingProviders {
  const out: BillingProviders = {};
  void config;
  return out;
}
