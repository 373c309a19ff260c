import { and, asc, eq, gt, isNotNull, ne } from "drizzle-orm";
import { workspaceSubscriptions } from "../../../db/schema/index.ts";
import type { Db } from "../../../platform/db/client.ts";

// Platform-level lookups: a Lemon Squeezy subscription id names one workspace across tenants,
// which is exactly what a webhook or the reconciliation needs to find.

/** The workspace whose subscription row holds this Lemon Squeezy subscription. */
export async function findWorkspaceByLsSubscription(db: Db, subscriptionId: string) {
  const [row] = await db
    .select({ workspaceId: workspaceSubscriptions.workspaceId, currency: workspaceSubscriptions.currency })
    .from(workspaceSubscriptions)
    .where(
      and(
        eq(workspaceSubscriptions.provider, "lemonsqueezy"),
        eq(workspaceSubscriptions.providerSubscriptionId, subscriptionId),
      ),
    );
  return row;
}

/**
 * A page of live Lemon Squeezy subscriptions (paid for, trialing or past due), ordered by
 * workspace id so the caller pages with `after` without skipping rows that change meanwhile.
 */
export async function findLiveLsSubscriptions(db: Db, after: string | null, limit: number) {
  return db
    .select({
      workspaceId: workspaceSubscriptions.workspaceId,
      subscriptionId: workspaceSubscriptions.providerSubscriptionId,
      currency: workspaceSubscriptions.currency,
    })
    .from(workspaceSubscriptions)
    .where(
      and(
        eq(workspaceSubscriptions.source, "lemonsqueezy"),
        ne(workspaceSubscriptions.status, "canceled"),
        isNotNull(workspaceSubscriptions.providerSubscriptionId),
        after ? gt(workspaceSubscriptions.workspaceId, after) : undefined,
      ),
    )
    .orderBy(asc(workspaceSubscriptions.workspaceId))
    .limit(limit);
}
