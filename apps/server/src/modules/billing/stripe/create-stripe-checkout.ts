import type Stripe from "stripe";
import type { CheckoutInput } from "../billing-provider.ts";
import { findOrCreatePrice } from "./stripe-prices.ts";

/**
 * Card everywhere; PromptPay (a QR code paid from a Thai bank app) only exists in THB. Sent as
 * `allowed_payment_method_types`, which Stripe narrows to what the session can use: the API
 * version this SDK pins no longer accepts `payment_method_types` on Checkout Sessions, and Stripe
 * today offers PromptPay in one-off Checkout payments only, so a subscription checkout in THB
 * shows the card form until Stripe adds it (ADR 018).
 */
export function stripePaymentMethods(
  currency: string,
): Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[] {
  return currency.toUpperCase() === "THB" ? ["card", "promptpay"] : ["card"];
}

/** A Stripe-hosted Checkout page that starts the subscription; the webhook does the rest. */
export async function createStripeCheckout(
  stripe: Stripe,
  input: CheckoutInput,
): Promise<{ url: string; customerId: string }> {
  const price = await findOrCreatePrice(stripe, input.plan, input.interval, input.currency);
  // One Stripe customer per workspace: its invoices, cards and portal belong to the workspace,
  // whoever of its owners and admins pays. Named after the workspace (it is what invoices show).
  const customerId =
    input.customerId ??
    (
      await stripe.customers.create({
        email: input.payer.email,
        name: input.workspace.name,
        metadata: { workspaceId: input.workspace.id },
      })
    ).id;
  const metadata = { workspaceId: input.workspace.id, planId: input.plan.id, interval: input.interval };
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customerId,
    client_reference_id: input.workspace.id,
    line_items: [{ price: price.id, quantity: 1 }],
    allowed_payment_method_types: stripePaymentMethods(input.currency),
    metadata,
    // Copied onto the subscription, so its events name the workspace without a lookup.
    subscription_data: { metadata },
    success_url: input.successUrl,
    cancel_url: input.cancelUrl,
  });
  if (!session.url) throw new Error(`Stripe checkout session ${session.id} came back without a URL`);
  return { url: session.url, customerId };
}
