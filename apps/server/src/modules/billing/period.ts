import type { SubscriptionRow } from "./plans.repo.ts";

export type BillingPeriod = { key: string; start: Date; end: Date };

/**
 * The period AI replies are counted in. A provider subscription sets it (its anniversary, as
 * last reported by the provider); everything else — the default plan, manual assignments —
 * counts per calendar month in UTC. Must agree with PERIOD_KEY_SQL in meter.repo.ts.
 */
export function currentPeriod(sub: SubscriptionRow | null | undefined, now: Date): BillingPeriod {
  if (sub && sub.source !== "manual" && sub.currentPeriodStart) {
    const start = sub.currentPeriodStart;
    const end = sub.currentPeriodEnd ?? addMonths(start, sub.interval === "yearly" ? 12 : 1);
    return { key: `p${start.toISOString().slice(0, 19)}Z`, start, end };
  }
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { key: start.toISOString().slice(0, 7), start, end: addMonths(start, 1) };
}

export function addMonths(d: Date, n: number): Date {
  const out = new Date(d);
  out.setUTCMonth(out.getUTCMonth() + n);
  return out;
}
