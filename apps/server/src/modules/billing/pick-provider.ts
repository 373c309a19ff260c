import { AppError } from "../../platform/errors.ts";
import type { BillingProvider, ProviderId } from "./billing-provider.ts";
import type { BillingProviders } from "./billing-providers.ts";

/** The provider a checkout asked for, or the first configured one (Stripe before Lemon Squeezy). */
export function pickProvider(providers: BillingProviders, wanted: ProviderId | undefined): BillingProvider {
  const provider = wanted ? providers[wanted] : (providers.stripe ?? providers.lemonsqueezy);
  if (provider) return provider;
  throw new AppError(
    "BILLING_NOT_CONFIGURED",
    wanted
      ? `Payments through ${wanted === "stripe" ? "Stripe" : "Lemon Squeezy"} are not set up on this server`
      : "Payments are not set up on this server; ask its operator to assign a plan",
  );
}

/**
 * Runs a call to the payment provider; anything but our own AppError (network down, provider
 * 5xx, rejected request) becomes a 502 the user can act on, with the details in the log.
 */
export async function callProvider<T>(
  provider: ProviderId,
  log: { error(obj: object, msg: string): void },
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) throw err;
    log.error({ err, provider }, "payment provider call failed");
    throw new AppError(
      "BILLING_PROVIDER_UNAVAILABLE",
      `${provider === "stripe" ? "Stripe" : "Lemon Squeezy"} could not be reached or refused the request; nothing was changed, please try again in a minute`,
    );
  }
}
