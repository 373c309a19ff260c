import type { TCheckoutRequest } from "@minichat/contracts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { findCustomerId, saveCustomerId } from "./billing-customers.repo.ts";
import { grantsPlan } from "./entitlements.ts";
import { callProvider, pickProvider } from "./pick-provider.ts";
import { findPlan, findSubscription } from "./plans.repo.ts";
import { isPrepaid } from "./prepaid.ts";

/**
 * A hosted checkout page for a new paid subscription. The plan must be public and priced in the
 * currency; a workspace that already pays changes plan instead (or manages it in the portal).
 */
export async function startCheckout(
  ctx: AppContext,
  input: {
    workspace: { id: string; name: string };
    payer: { email: string; name: string };
    request: TCheckoutRequest;
    log: { error(obj: object, msg: string): void };
  },
): Promise<{ provider: "stripe" | "lemonsqueezy"; url: string }> {
  const { planId, interval, currency, paymentMethod } = input.request;
  const provider = pickProvider(ctx.billing.providers, input.request.provider);
  const promptpay = paymentMethod === "promptpay";
  if (promptpay && (provider.id !== "stripe" || currency !== "THB")) {
    throw new AppError(
      "PRICE_NOT_AVAILABLE",
      "PromptPay is paid through Stripe in THB only: choose currency THB (and provider stripe), or pay by card",
      { paymentMethod, provider: provider.id, currency },
    );
  }
  const plan = await findPlan(ctx.db, planId);
  if (!plan?.public) {
    throw new AppError("PRICE_NOT_AVAILABLE", `There is no plan "${planId}" to subscribe to`, { planId });
  }
  const price = plan.prices[currency]?.[interval];
  if (!price) {
    throw new AppError(
      "PRICE_NOT_AVAILABLE",
      `The ${plan.name} plan has no ${interval} price in ${currency}`,
      { planId, interval, currency },
    );
  }
  const current = await findSubscription(ctx.db, input.workspace.id);
  // A prepaid PromptPay period may be extended (or swapped for another plan, the time left
  // carried over) by paying again; a card subscription would renew on top of it, so not yet.
  if (current && isPrepaid(current) && grantsPlan(current) && !promptpay) {
    throw new AppError(
      "SUBSCRIPTION_EXISTS",
      `This workspace has a prepaid period until ${current.currentPeriodEnd?.toISOString() ?? "its end"}: pay for the next one with PromptPay, or start a card subscription after it ends`,
      { provider: current.source, currentPeriodEnd: current.currentPeriodEnd?.toISOString() ?? null },
    );
  }
  if (current && current.source !== "manual" && grantsPlan(current) && !isPrepaid(current)) {
    throw new AppError(
      "SUBSCRIPTION_EXISTS",
      "This workspace already has a paid subscription: change its plan, or manage it in the billing portal",
      { provider: current.source },
    );
  }
  const accepted = await callProvider(provider.id, input.log, () => provider.currencies(plan, interval));
  if (!accepted.includes(currency)) {
    throw new AppError(
      "PRICE_NOT_AVAILABLE",
      `${provider.id === "stripe" ? "Stripe" : "Lemon Squeezy"} cannot charge the ${plan.name} plan in ${currency} here (available: ${accepted.join(", ") || "none"})`,
      { planId, interval, currency, available: accepted },
    );
  }
  const customerId = await findCustomerId(ctx.db, input.workspace.id, provider.id);
  const returnTo = `${ctx.config.baseUrl}/workspaces/${input.workspace.id}/billing`;
  const session = await callProvider(provider.id, input.log, () =>
    provider.createCheckout({
      workspace: input.workspace,
      payer: input.payer,
      customerId,
      plan,
      interval,
      currency,
      paymentMethod,
      successUrl: `${returnTo}?checkout=success`,
      cancelUrl: `${returnTo}?checkout=canceled`,
    }),
  );
  if (session.customerId && !customerId) {
    await saveCustomerId(ctx.db, input.workspace.id, provider.id, session.customerId);
  }
  return { provider: provider.id, url: session.url };
}
