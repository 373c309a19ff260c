import Stripe from "stripe";
import type { Config } from "../../../platform/config.ts";

export type StripeSettings = NonNullable<Config["billing"]["stripe"]>;

/**
 * The official SDK, talking to api.stripe.com, or to STRIPE_API_URL when set (an egress proxy,
 * or the local fake Stripe in tests — the SDK takes host, port and protocol, not a URL).
 */
export function createStripeClient(settings: StripeSettings): Stripe {
  const target = settings.apiUrl ? new URL(settings.apiUrl) : undefined;
  const protocol = target?.protocol === "http:" ? "http" : "https";
  return new Stripe(settings.secretKey, {
    // Someone is waiting on a checkout or portal redirect: fail in seconds, not the SDK's 80.
    timeout: 20_000,
    // One retry (with an idempotency key on POSTs) rides out a dropped connection.
    maxNetworkRetries: 1,
    appInfo: { name: "MiniChat" },
    ...(target
      ? { host: target.hostname, port: target.port || (protocol === "http" ? 80 : 443), protocol }
      : {}),
  });
}
