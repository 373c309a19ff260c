import { and, eq, lt, lte } from "drizzle-orm";
import { billingAlerts, usagePeriods, workspaceSubscriptions } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import type { QueueDefinition } from "../../platform/jobs.ts";
import type { Logger } from "../../platform/types.ts";
import { applyDueDowngrades, expireEndedSubscriptions } from "./apply-subscription.ts";
import type { BillingDeps } from "./billing-provider.ts";
import { addMonths, currentPeriod } from "./period.ts";

export const ROLL_PERIODS_QUEUE = "billing.roll-periods";

/** Usage of older periods is history nobody reads; a little over a year is kept for support. */
const KEEP_MONTHS = 13;

/**
 * Housekeeping at period boundaries. Counting never waits for it — usage is keyed by period, so
 * a new period starts at zero on its own — but manual assignments get their stored period moved
 * to the current calendar month, and old counters and alerts are dropped.
 */
export async function rollPeriods(deps: { db: Db; logger: Logger }, now: Date): Promise<number> {
  const month = currentPeriod(null, now);
  const advanced = await deps.db
    .update(workspaceSubscriptions)
    .set({ currentPeriodStart: month.start, currentPeriodEnd: month.end, updatedAt: now })
    .where(
      and(eq(workspaceSubscriptions.source, "manual"), lte(workspaceSubscriptions.currentPeriodEnd, now)),
    )
    .returning({ id: workspaceSubscriptions.workspaceId });
  const cutoff = addMonths(month.start, -KEEP_MONTHS);
  await deps.db.delete(usagePeriods).where(lt(usagePeriods.updatedAt, cutoff));
  await deps.db.delete(billingAlerts).where(lt(billingAlerts.createdAt, cutoff));
  if (advanced.length) deps.logger.info({ advanced: advanced.length }, "manual billing periods advanced");
  return advanced.length;
}

export function billingQueues(deps: BillingDeps): QueueDefinition<object>[] {
  return [
    {
      name: ROLL_PERIODS_QUEUE,
      // Hourly: subscription periods start at any hour, and the work is a few indexed updates.
      cron: "7 * * * *",
      retryLimit: 2,
      handler: async () => {
        await rollPeriods(deps, deps.clock.now());
        // Ended first: a downgrade scheduled on a subscription that ends with the period is moot.
        await expireEndedSubscriptions(deps);
        await applyDueDowngrades(deps);
      },
    },
  ];
}
