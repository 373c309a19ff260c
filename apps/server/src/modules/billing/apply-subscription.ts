import { and, eq, isNotNull, lte, ne } from "drizzle-orm";
import { plans, workspaceSubscriptions, workspaces } from "../../db/schema/index.ts";
import { toLocale } from "../email/index.ts";
import type { BillingDeps, BillingInterval, ProviderId } from "./billing-provider.ts";
import { grantsPlan } from "./entitlements.ts";
import type { PlanRow, SubscriptionRow } from "./plans.repo.ts";
import { findWorkspaceOwner } from "./plans.repo.ts";

/** A subscription as a provider reports it, translated to our terms by the provider's handler. */
export type ProviderSubscriptionState = {
  provider: ProviderId;
  workspaceId: string;
  subscriptionId: string;
  customerId: string | null;
  /** The provider's price (Stripe) or variant (Lemon Squeezy) id. */
  priceRef: string | null;
  planId: string;
  interval: BillingInterval;
  currency: string;
  status: "active" | "trialing" | "past_due" | "canceled";
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /**
   * When the provider produced this state (event creation time, or the object's updated_at).
   * Deliveries arrive out of order; a state older than the stored one is dropped.
   */
  observedAt: Date;
};

export type SubscriptionChange =
  | "started"
  | "upgraded"
  | "downgrade-scheduled"
  | "downgraded"
  | "cancel-scheduled"
  | "canceled"
  | "resumed";

export type ApplyResult = {
  applied: boolean;
  change: SubscriptionChange | null;
  row: SubscriptionRow | null;
};

/** Plans ordered by value: position, then yearly above monthly. */
function rank(plan: PlanRow, interval: BillingInterval): number {
  return plan.position * 2 + (interval === "yearly" ? 1 : 0);
}

/**
 * Writes a provider's subscription state onto the workspace — the one place where provider
 * events change what a workspace may do. Idempotent (the same state twice changes nothing the
 * second time) and order-safe (an older state never overwrites a newer one). A downgrade within
 * the period that was paid for is kept as `scheduledPlanId` until the period ends. The owner is
 * told by email about every change.
 */
export async function applySubscription(
  deps: BillingDeps,
  state: ProviderSubscriptionState,
): Promise<ApplyResult> {
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<ApplyResult> => {
    const [ws] = await tx
      .select({ id: workspaces.id })
      .from(workspaces)
      .where(eq(workspaces.id, state.workspaceId));
    const [newPlan] = await tx.select().from(plans).where(eq(plans.id, state.planId));
    if (!ws || !newPlan) {
      deps.logger.warn(
        { workspaceId: state.workspaceId, planId: state.planId, provider: state.provider },
        "subscription event for an unknown workspace or plan ignored",
      );
      return { applied: false, change: null, row: null };
    }
    const [row] = await tx
      .select()
      .from(workspaceSubscriptions)
      .where(eq(workspaceSubscriptions.workspaceId, state.workspaceId))
      .for("update");

    const same =
      !!row && row.source === state.provider && row.providerSubscriptionId === state.subscriptionId;
    if (same && row.providerUpdatedAt && row.providerUpdatedAt.getTime() > state.observedAt.getTime()) {
      return { applied: false, change: null, row };
    }
    // Another live provider subscription holds the workspace: the end of an old one is history.
    if (row && !same && row.source !== "manual" && row.status !== "canceled" && state.status === "canceled") {
      return { applied: false, change: null, row };
    }

    const [oldPlan] = row ? await tx.select().from(plans).where(eq(plans.id, row.planId)) : [];
    const held = same && grantsPlan(row) && oldPlan ? { plan: oldPlan, interval: row.interval } : null;
    const samePeriod =
      same && (row.currentPeriodStart?.getTime() ?? null) === (state.currentPeriodStart?.getTime() ?? null);
    const lower = held && rank(newPlan, state.interval) < rank(held.plan, held.interval);
    const keepPaidPlan = !!held && !!lower && samePeriod && state.status !== "canceled";

    let change: SubscriptionChange | null = null;
    if (keepPaidPlan) {
      if (row.scheduledPlanId !== state.planId || row.scheduledInterval !== state.interval) {
        change = "downgrade-scheduled";
      }
    } else if (state.status === "canceled") {
      if (held) change = "canceled";
    } else if (!held) {
      change = "started";
    } else if (held.plan.id !== newPlan.id || held.interval !== state.interval) {
      change = lower ? "downgraded" : "upgraded";
    } else if (state.cancelAtPeriodEnd !== row?.cancelAtPeriodEnd) {
      change = state.cancelAtPeriodEnd ? "cancel-scheduled" : "resumed";
    }

    const set = {
      planId: keepPaidPlan ? row.planId : state.planId,
      interval: keepPaidPlan ? row.interval : state.interval,
      scheduledPlanId: keepPaidPlan ? state.planId : null,
      scheduledInterval: keepPaidPlan ? state.interval : null,
      currency: state.currency.toUpperCase(),
      status: state.status,
      source: state.provider,
      provider: state.provider,
      providerCustomerId: state.customerId ?? (same ? row.providerCustomerId : null),
      providerSubscriptionId: state.subscriptionId,
      providerPriceId: state.priceRef,
      currentPeriodStart: state.currentPeriodStart,
      currentPeriodEnd: state.currentPeriodEnd,
      cancelAtPeriodEnd: state.cancelAtPeriodEnd,
      pastDueSince: state.status === "past_due" ? (same && row.pastDueSince ? row.pastDueSince : now) : null,
      providerUpdatedAt: state.observedAt,
      updatedAt: now,
    };
    const [saved] = await tx
      .insert(workspaceSubscriptions)
      .values({ workspaceId: state.workspaceId, ...set })
      .onConflictDoUpdate({ target: workspaceSubscriptions.workspaceId, set })
      .returning();
    return { applied: true, change, row: saved ?? null };
  });

  if (result.change && result.row) await announceChange(deps, result.row, result.change);
  return result;
}

/**
 * Puts downgrades whose period has ended into effect (normally the provider's renewal event
 * does it first; this covers a renewal that is late or never comes, e.g. a manual plan).
 */
export async function applyDueDowngrades(deps: BillingDeps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .select()
    .from(workspaceSubscriptions)
    .where(
      and(
        isNotNull(workspaceSubscriptions.scheduledPlanId),
        lte(workspaceSubscriptions.currentPeriodEnd, now),
        ne(workspaceSubscriptions.status, "canceled"),
      ),
    );
  let n = 0;
  for (const sub of due) {
    if (!sub.scheduledPlanId) continue;
    const [row] = await deps.db
      .update(workspaceSubscriptions)
      .set({
        planId: sub.scheduledPlanId,
        interval: sub.scheduledInterval ?? sub.interval,
        scheduledPlanId: null,
        scheduledInterval: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(workspaceSubscriptions.workspaceId, sub.workspaceId),
          eq(workspaceSubscriptions.scheduledPlanId, sub.scheduledPlanId),
        ),
      )
      .returning();
    if (row) {
      n++;
      await announceChange(deps, row, "downgraded");
    }
  }
  return n;
}

/**
 * Ends provider subscriptions that were set to end with their period and whose period is over.
 * A provider that renews normally sends the end itself (Stripe's deleted, Lemon Squeezy's
 * expired); a prepaid PromptPay period has nobody to send it, so this is what takes the
 * workspace back to the default plan. `providerUpdatedAt` is left alone: a late provider event
 * saying the subscription was resumed still applies.
 */
export async function expireEndedSubscriptions(deps: BillingDeps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .select()
    .from(workspaceSubscriptions)
    .where(
      and(
        ne(workspaceSubscriptions.source, "manual"),
        eq(workspaceSubscriptions.cancelAtPeriodEnd, true),
        lte(workspaceSubscriptions.currentPeriodEnd, now),
        ne(workspaceSubscriptions.status, "canceled"),
      ),
    );
  let n = 0;
  for (const sub of due) {
    if (!sub.providerSubscriptionId) continue;
    const [row] = await deps.db
      .update(workspaceSubscriptions)
      .set({
        status: "canceled",
        cancelAtPeriodEnd: false,
        scheduledPlanId: null,
        scheduledInterval: null,
        pastDueSince: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(workspaceSubscriptions.workspaceId, sub.workspaceId),
          // Only if nothing changed since it was read (a payment extending it, a new subscription).
          eq(workspaceSubscriptions.providerSubscriptionId, sub.providerSubscriptionId),
          eq(workspaceSubscriptions.cancelAtPeriodEnd, true),
          lte(workspaceSubscriptions.currentPeriodEnd, now),
          ne(workspaceSubscriptions.status, "canceled"),
        ),
      )
      .returning();
    if (row) {
      n++;
      await announceChange(deps, row, "canceled");
    }
  }
  return n;
}

/** Event for the app, email to the owner; a failed email is logged, never undoes the change. */
async function announceChange(deps: BillingDeps, row: SubscriptionRow, change: SubscriptionChange) {
  deps.events.emit({
    type: "billing.subscription_changed",
    workspaceId: row.workspaceId,
    planId: row.planId,
    status: row.status,
    change,
  });
  try {
    const owner = await findWorkspaceOwner(deps.db, row.workspaceId);
    const [plan] = await deps.db
      .select({ name: plans.name })
      .from(plans)
      .where(
        eq(plans.id, change === "downgrade-scheduled" ? (row.scheduledPlanId ?? row.planId) : row.planId),
      );
    if (!owner || !plan) return;
    const effectiveAt =
      change === "downgrade-scheduled" || change === "cancel-scheduled" ? row.currentPeriodEnd : null;
    await deps.mailer.send({
      to: owner.email,
      template: "subscription-changed",
      locale: toLocale(owner.locale),
      vars: {
        name: owner.name,
        workspaceName: owner.workspaceName,
        planName: plan.name,
        change,
        effectiveAt,
        url: `${deps.config.baseUrl}/workspaces/${row.workspaceId}/billing`,
      },
    });
  } catch (err) {
    deps.logger.error({ err, workspaceId: row.workspaceId, change }, "subscription email failed");
  }
}
