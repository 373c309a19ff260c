import type { QueueDefinition } from "../../../platform/jobs.ts";
import type { BillingDeps } from "../billing-provider.ts";
import { applyLsSubscription } from "./apply-ls-subscription.ts";
import { findLiveLsSubscriptions } from "./lemonsqueezy.repo.ts";
import { LemonSqueezyApiError, type LemonSqueezyClient } from "./lemonsqueezy-client.ts";

export const LS_RECONCILE_QUEUE = "billing.lemonsqueezy-reconcile";
const PAGE = 100;
/**
 * Lemon Squeezy allows 300 API requests a minute; one re-read every 250 ms stays under it with
 * room for checkouts, and still covers 7,200 subscriptions in a 30-minute run.
 */
const MIN_INTERVAL_MS = 250;

export type ReconcileResult = { checked: number; failed: number };

/**
 * Re-reads every live Lemon Squeezy subscription we hold and applies what Lemon Squeezy says now.
 * Lemon Squeezy gives up on a webhook after three retries within a few minutes, so an outage
 * here would otherwise leave a workspace on a plan it cancelled (or without one it paid for)
 * for good. The object's updated_at orders the state like a webhook's, so an unchanged
 * subscription changes nothing and sends no email. One failing subscription does not stop the
 * rest; the next run tries it again.
 */
export async function reconcileLemonSqueezy(
  deps: BillingDeps,
  client: LemonSqueezyClient,
  opts: { minIntervalMs?: number } = {},
): Promise<ReconcileResult> {
  const out: ReconcileResult = { checked: 0, failed: 0 };
  const pace = opts.minIntervalMs ?? MIN_INTERVAL_MS;
  let last = 0;
  let after: string | null = null;
  for (;;) {
    const page = await findLiveLsSubscriptions(deps.db, after, PAGE);
    for (const row of page) {
      if (!row.subscriptionId) continue;
      out.checked++;
      const wait = last + pace - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      last = Date.now();
      try {
        const sub = await client.getSubscription(row.subscriptionId);
        await applyLsSubscription(deps, client, sub, {
          workspaceId: row.workspaceId,
          currency: row.currency,
        });
      } catch (err) {
        out.failed++;
        const gone = err instanceof LemonSqueezyApiError && err.status === 404;
        deps.logger.warn(
          { err, workspaceId: row.workspaceId, subscriptionId: row.subscriptionId },
          gone
            ? "Lemon Squeezy no longer knows this subscription (deleted, or the store changed)"
            : "Lemon Squeezy subscription could not be reconciled; the next run retries",
        );
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.workspaceId;
  }
  if (out.checked) deps.logger.info(out, "Lemon Squeezy subscriptions reconciled");
  return out;
}

export function lemonSqueezyQueues(deps: BillingDeps, client: LemonSqueezyClient): QueueDefinition<object>[] {
  return [
    {
      name: LS_RECONCILE_QUEUE,
      // Every 30 minutes: a missed webhook is at most half an hour late, at one paced API call
      // per live subscription.
      cron: "*/30 * * * *",
      retryLimit: 1,
      handler: async () => {
        await reconcileLemonSqueezy(deps, client);
      },
    },
  ];
}
