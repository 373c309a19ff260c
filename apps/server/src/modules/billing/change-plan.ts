import type { TChangePlanRequest } from "@minichat/contracts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { grantsPlan } from "./entitlements.ts";
import { callProvider } from "./pick-provider.ts";
import { findPlan, findSubscription } from "./plans.repo.ts";
import { isPrepaid } from "./prepaid.ts";

/**
 * Moves a paid subscription to another plan or interval through its provider. Upgrades are
 * charged (prorated) now; downgrades bill from the next period, and the workspace keeps what it
 * paid for until then. The workspace's record changes when the provider's webhook confirms.
 */
export async function changePlan(
  ctx: AppContext,
  workspaceId: string,
  request: TChangePlanRequest,
  log: { error(obj: object, msg: string): void },
): Promise<{ upgrade: boolean }> {
  const sub = await findSubscription(ctx.db, workspaceId);
  if (!sub || sub.source === "manual" || !grantsPlan(sub) || !sub.providerSubscriptionId) {
    throw new AppError(
      "NO_SUBSCRIPTION",
      "This workspace has no paid subscription to change; start a checkout",
    );
  }
  if (isPrepaid(sub)) {
    throw new AppError(
      "NO_SUBSCRIPTION",
      "This workspace paid for a prepaid period (PromptPay), which has no subscription to change: buy the new plan with a new checkout (paymentMethod promptpay); the time left carries over",
    );
  }
  const provider = ctx.billing.providers[sub.source];
  if (!provider) {
    throw new AppError(
      "BILLING_NOT_CONFIGURED",
      `This subscription is with ${sub.source}, which is no longer set up on this server`,
    );
  }
  const [plan, current] = await Promise.all([findPlan(ctx.db, request.planId), findPlan(ctx.db, sub.planId)]);
  if (!plan?.public || !plan.prices[sub.currency]?.[request.interval]) {
    throw new AppError(
      "PRICE_NOT_AVAILABLE",
      `There is no ${request.interval} price of plan "${request.planId}" in ${sub.currency}`,
      { planId: request.planId, interval: request.interval, currency: sub.currency },
    );
  }
  if (plan.id === sub.planId && request.interval === sub.interval && !sub.scheduledPlanId) {
    throw new AppError(
      "CONFLICT",
      `This workspace is already on the ${plan.name} plan, billed ${sub.interval}`,
    );
  }
  const rank = (position: number, interval: string) => position * 2 + (interval === "yearly" ? 1 : 0);
  const upgrade = rank(plan.position, request.interval) > rank(current?.position ?? 0, sub.interval);
  await callProvider(provider.id, log, () =>
    provider.changePlan({ subscription: sub, plan, interval: request.interval, upgrade }),
  );
  return { upgrade };
}
