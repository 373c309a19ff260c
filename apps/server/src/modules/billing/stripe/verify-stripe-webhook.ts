import type { IncomingHttpHeaders } from "node:http";
import type Stripe from "stripe";
import { AppError } from "../../../platform/errors.ts";
import type { Logger } from "../../../platform/types.ts";
import type { VerifiedWebhook } from "../billing-provider.ts";

/** Stripe's signature may be this old (seconds); older deliveries are replays. */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Checks Stripe-Signature (HMAC-SHA256 of "timestamp.body" with the endpoint's signing secret)
 * over the exact bytes received. Without a signing secret nothing can be trusted, so every
 * delivery is refused — and the operator is told once, in the log, why Stripe keeps retrying.
 */
export function createStripeWebhookVerifier(
  stripe: Stripe,
  webhookSecret: string | undefined,
  logger: Logger | undefined,
): (rawBody: Buffer, headers: IncomingHttpHeaders, now: Date) => VerifiedWebhook {
  let warned = false;
  return (rawBody, headers, now) => {
    if (!webhookSecret) {
      if (!warned) {
        warned = true;
        logger?.warn(
          "Stripe webhook refused: STRIPE_WEBHOOK_SECRET is not set. Copy the endpoint's signing secret (whsec_...) from the Stripe dashboard into STRIPE_WEBHOOK_SECRET; until then no payment reaches MiniChat",
        );
      }
      throw new AppError(
        "WEBHOOK_SIGNATURE_INVALID",
        "Stripe webhooks are not accepted: no signing secret is set",
      );
    }
    const signature = headers["stripe-signature"];
    if (!signature) {
      throw new AppError("WEBHOOK_SIGNATURE_INVALID", "The Stripe-Signature header is missing");
    }
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(
        rawBody,
        signature,
        webhookSecret,
        STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        now.getTime(),
      );
    } catch {
      throw new AppError(
        "WEBHOOK_SIGNATURE_INVALID",
        "The Stripe signature does not match this body, or is older than 5 minutes",
      );
    }
    return { eventId: event.id, type: event.type, payload: event as unknown as Record<string, unknown> };
  };
}
