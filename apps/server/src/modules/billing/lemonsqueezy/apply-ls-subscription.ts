import { applySubscription, type ProviderSubscriptionState } from "../apply-subscription.ts";
import { findWorkspaceByCustomer, saveCustomerId } from "../billing-customers.repo.ts";
import type { BillingDeps, BillingInterval } from "../billing-provider.ts";
import { addMonths } from "../period.ts";
import { findPlans, findSubscription, type PlanRow } from "../plans.repo.ts";
import { findWorkspaceByLsSubscription } from "./lemonsqueezy.repo.ts";
import type { LemonSqueezyClient, LsSubscription, LsSubscriptionAttributes } from "./lemonsqueezy-client.ts";

/** The plan and interval whose Lemon Squeezy variant this is (plans.providerRefs). */
export function planForVariant(
  plans: PlanRow[],
  variantId: string,
): { plan: PlanRow; interval: BillingInterval } | undefined {
  for (const plan of plans) {
    const refs = plan.providerRefs.lemonsqueezy;
    if (refs?.monthly === variantId) return { plan, interval: "monthly" };
    if (refs?.yearly === variantId) return { plan, interval: "yearly" };
  }
  return undefined;
}

type Mapped = Pick<ProviderSubscriptionState, "status" | "cancelAtPeriodEnd"> & { keepsPeriod: boolean };

/**
 * Lemon Squeezy statuses in our four. `keepsPeriod`: while payment is being chased, LS moves
 * `renews_at` to the next retry; the period we meter against stays the one that was paid for.
 */
function mapStatus(s: LsSubscriptionAttributes["status"]): Mapped | null {
  switch (s) {
    case "on_trial":
      return { status: "trialing", cancelAtPeriodEnd: false, keepsPeriod: false };
    case "active":
      return { status: "active", cancelAtPeriodEnd: false, keepsPeriod: false };
    case "past_due":
    case "unpaid":
      return { status: "past_due", cancelAtPeriodEnd: false, keepsPeriod: true };
    // Payment collection paused: nothing is being paid, but the subscription is not over and can
    // be unpaused without a new checkout. past_due (not canceled) keeps the plan for the grace
    // period, then Free limits apply; the row also stays in the reconciliation, so a missed
    // subscription_unpaused is still picked up.
    case "paused":
      return { status: "past_due", cancelAtPeriodEnd: false, keepsPeriod: true };
    // Cancelled in LS is a grace period: paid until ends_at, then "expired".
    case "cancelled":
      return { status: "active", cancelAtPeriodEnd: true, keepsPeriod: false };
    case "expired":
      return { status: "canceled", cancelAtPeriodEnd: false, keepsPeriod: false };
    default:
      return null;
  }
}

const date = (s: string | null | undefined) => (s ? new Date(s) : null);

/**
 * Applies a Lemon Squeezy subscription object (from a webhook or re-read from the API) to its
 * workspace. The workspace comes from the checkout's custom data, else from the subscription or
 * customer we already know; the plan from the variant. A subscription we cannot place (not
 * bought through MiniChat, or a variant no plan names) is ignored and logged.
 */
export async function applyLsSubscription(
  deps: BillingDeps,
  client: Pick<LemonSqueezyClient, "storeCurrency">,
  sub: LsSubscription,
  hint: { workspaceId?: string | undefined; currency?: string | undefined },
): Promise<"processed" | "ignored"> {
  const a = sub.attributes;
  const log = { subscriptionId: sub.id, variantId: a.variant_id, status: a.status };
  const match = planForVariant(await findPlans(deps.db), String(a.variant_id));
  const mapped = mapStatus(a.status);
  if (!match || !mapped) {
    deps.logger.warn(
      log,
      "Lemon Squeezy subscription with a variant no plan names (or an unknown status) ignored",
    );
    return "ignored";
  }
  const known = await findWorkspaceByLsSubscription(deps.db, sub.id);
  const customerId = String(a.customer_id);
  const workspaceId =
    hint.workspaceId ??
    known?.workspaceId ??
    (await findWorkspaceByCustomer(deps.db, "lemonsqueezy", customerId));
  if (!workspaceId) {
    deps.logger.warn(log, "Lemon Squeezy subscription for no known workspace ignored");
    return "ignored";
  }

  // LS has no period start: the previous renewal is one interval before the next, and never
  // before the subscription began (a trial, or a first period shortened by a billing anchor).
  const createdAt = new Date(a.created_at);
  const next = date(a.renews_at) ?? date(a.ends_at);
  let start = next ? addMonths(next, match.interval === "yearly" ? -12 : -1) : createdAt;
  if (start < createdAt) start = createdAt;
  let end = a.status === "cancelled" || a.status === "expired" ? (date(a.ends_at) ?? next) : next;
  if (mapped.keepsPeriod) {
    const row = await findSubscription(deps.db, workspaceId);
    if (row?.providerSubscriptionId === sub.id && row.currentPeriodStart) {
      start = row.currentPeriodStart;
      end = row.currentPeriodEnd;
    }
  }

  const result = await applySubscription(deps, {
    provider: "lemonsqueezy",
    workspaceId,
    subscriptionId: sub.id,
    customerId,
    priceRef: String(a.variant_id),
    planId: match.plan.id,
    interval: match.interval,
    currency: hint.currency ?? known?.currency ?? (await client.storeCurrency()),
    status: mapped.status,
    currentPeriodStart: start,
    currentPeriodEnd: end,
    cancelAtPeriodEnd: mapped.cancelAtPeriodEnd,
    observedAt: new Date(a.updated_at),
  });
  // Only once the workspace is known to exist (the customer row references it).
  if (result.applied) await saveCustomerId(deps.db, workspaceId, "lemonsqueezy", customerId);
  return "processed";
}
