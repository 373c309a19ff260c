import type Stripe from "stripe";
import type { CheckoutInput } from "../billing-provider.ts";
import { findOrCreatePrice } from "./stripe-prices.ts";

/**
 * A Stripe-hosted Checkout page: a card subscription (the webhook does the rest), or with
 * paymentMethod "promptpay" one prepaid period paid by QR code (create-stripe-prepaid-checkout).
 * Stripe Checkout cannot renew a subscription with PromptPay (a single-use, asynchronous
 * payment method), so subscriptions are card only (ADR 018).
 */
export async function createStripeCheckout(
  stripe: Stripe,
  input: CheckoutInput,
): Promise<{ url: string; customerId: string }> {
  if (input.paymentMethod === "promptpay") return createStripePrepaidCheckout(stripe, input);
  const price = await findOrCreatePrice(stripe, input.plan, input.interval, input.currency);
  const customerId = await stripeCustomerFor(stripe, input);
  const metadata = { workspaceId: input.workspace.id, planId: input.plan.id, interval: input.interval };
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customerId,
    client_reference_id: input.workspace.id,
    line_items: [{ price: price.id, quantity: 1 }],
    allowed_payment_method_types: ["card"],
    metadata,
    // Copied onto the subscription, so its events name the workspace without a lookup.
    subscription_data: { metadata },
    success_url: input.successUrl,
    cancel_url: input.cancelUrl,
  });
  if (!session.url) throw new Error(`Stripe checkout session ${session.id} came back without a URL`);
  return { url: session.url, customerId };
}

/**
 * One prepaid period of the plan, paid once with PromptPay (THB; checked before we get here).
 * The amount is the plan's price for the interval, as a one-off line item (price_data: no
 * Stripe price to look up or keep). `kind: "prepaid"` tells the webhook to grant a period
 * rather than look for a subscription; invoice_creation gives the payment an invoice, so the
 * customer portal lists it and the receipt email links to it.
 */
async function createStripePrepaidCheckout(
  stripe: Stripe,
  input: CheckoutInput,
): Promise<{ url: string; customerId: string }> {
  const amount = input.plan.prices[input.currency]?.[input.interval];
  if (!amount) throw new Error(`plan ${input.plan.id} has no ${input.interval} ${input.currency} price`);
  const customerId = await stripeCustomerFor(stripe, input);
  const metadata = {
    workspaceId: input.workspace.id,
    planId: input.plan.id,
    interval: input.interval,
    kind: "prepaid",
  };
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    customer: customerId,
    client_reference_id: input.workspace.id,
    line_items: [
      {
        price_data: {
          currency: input.currency.toLowerCase(),
          unit_amount: amount,
          product_data: {
            name: `MiniChat ${input.plan.name} — 1 ${input.interval === "yearly" ? "year" : "month"}`,
            metadata: { planId: input.plan.id, interval: input.interval },
          },
        },
        quantity: 1,
      },
    ],
    // Named allowed_payment_method_types in the API version stripe-node 23 pins (2026-10-28);
    // payment_method_types is refused on Checkout Sessions there.
    allowed_payment_method_types: ["promptpay"],
    metadata,
    payment_intent_data: { metadata },
    invoice_creation: { enabled: true, invoice_data: { metadata } },
    success_url: input.successUrl,
    cancel_url: input.cancelUrl,
  });
  if (!session.url) throw new Error(`Stripe checkout session ${session.id} came back without a URL`);
  return { url: session.url, customerId };
}

/**
 * One Stripe customer per workspace: its invoices, cards and portal belong to the workspace,
 * whoever of its owners and admins pays. Named after the workspace (it is what invoices show).
 */
async function stripeCustomerFor(stripe: Stripe, input: CheckoutInput): Promise<string> {
  if (input.customerId) return input.customerId;
  const customer = await stripe.customers.create({
    email: input.payer.email,
    name: input.workspace.name,
    metadata: { workspaceId: input.workspace.id },
  });
  return customer.id;
}
