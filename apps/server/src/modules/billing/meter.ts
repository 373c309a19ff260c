import type { Config } from "../../platform/config.ts";
import type { Database } from "../../platform/db/client.ts";
import { type QuotaAlertDeps, sendQuotaAlert } from "./quota-alerts.ts";

// The AI-reply meter. A unit is reserved before a model is called and released when no reply
// came of it, so the count is exact under any concurrency: the reservation is one
// INSERT … ON CONFLICT DO UPDATE … WHERE used < limit, which PostgreSQL evaluates on the
// locked, latest row version (and PGlite runs one statement at a time).

// $1 workspace, $2 now, $3 default plan, $4 grace days of a past_due subscription. The period key must agree with currentPeriod().
const RESERVE_REPLY = `
  with b as (
    select p.ai_replies as lim, p.name as plan_name,
      case when s.source <> 'manual' and s.current_period_start is not null
        then 'p' || to_char(s.current_period_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        else to_char($2::timestamptz at time zone 'UTC', 'YYYY-MM') end as period_key
    from (select 1) one
    left join workspace_subscriptions s on s.workspace_id = $1
    join plans p on p.id = case
      when s.status is null or s.status = 'canceled' then $3
      when s.status = 'past_due' and s.past_due_since + make_interval(days => $4::int) <= $2::timestamptz then $3
      else s.plan_id end
  ),
  r as (
    insert into usage_periods as u (workspace_id, period_key, ai_replies, reply_limit)
    select $1, b.period_key, 1, b.lim from b
    where b.lim is null or b.lim > 0
    on conflict (workspace_id, period_key) do update
      set ai_replies = u.ai_replies + 1, reply_limit = excluded.reply_limit, updated_at = now()
      where excluded.reply_limit is null or u.ai_replies < excluded.reply_limit + u.extra_replies
    returning u.ai_replies, u.extra_replies
  )
  select b.lim, b.plan_name, b.period_key, r.ai_replies as used, r.extra_replies as extra
  from b left join r on true`;

const RELEASE_REPLY = `
  update usage_periods set ai_replies = greatest(ai_replies - 1, 0), updated_at = now()
  where workspace_id = $1 and period_key = $2`;

export type Reservation =
  | { ok: true; periodKey: string; used: number; max: number | null }
  | { ok: false; periodKey: string; planName: string; max: number };

export type Meter = {
  /** Takes one AI reply from this period's quota, or says the quota is used up. */
  reserve(workspaceId: string): Promise<Reservation>;
  /** Gives the unit back: no reply came of it (the model failed). */
  release(workspaceId: string, periodKey: string): Promise<void>;
};

const THRESHOLDS = [80, 90, 100];

export function createMeter(
  deps: QuotaAlertDeps & { database: Database; config: Pick<Config, "defaultPlanId" | "billing"> },
): Meter {
  return {
    async reserve(workspaceId) {
      const now = deps.clock.now();
      const [row] = await deps.database.query<{
        lim: number | null;
        plan_name: string;
        period_key: string;
        used: number | null;
        extra: number | null;
      }>(
        RESERVE_REPLY,
        [workspaceId, now.toISOString(), deps.config.defaultPlanId, deps.config.billing.graceDays],
        "billing_reserve_reply",
      );
      // No plan row at all: a broken installation must not silence every agent.
      if (!row) return { ok: true, periodKey: "", used: 0, max: null };
      if (row.used === null) {
        const max = (row.lim ?? 0) + (row.extra ?? 0);
        await sendQuotaAlert(deps, {
          workspaceId,
          periodKey: row.period_key,
          threshold: 100,
          used: max,
          max,
        });
        return { ok: false, periodKey: row.period_key, planName: row.plan_name, max };
      }
      const used = Number(row.used);
      const max = row.lim === null ? null : row.lim + Number(row.extra ?? 0);
      if (max !== null && max > 0) {
        // Counts are exact, so exactly one reservation crosses each threshold.
        for (const t of THRESHOLDS) {
          if (used * 100 >= t * max && (used - 1) * 100 < t * max) {
            await sendQuotaAlert(deps, { workspaceId, periodKey: row.period_key, threshold: t, used, max });
          }
        }
      }
      return { ok: true, periodKey: row.period_key, used, max };
    },
    async release(workspaceId, periodKey) {
      if (!periodKey) return;
      await deps.database.query(RELEASE_REPLY, [workspaceId, periodKey], "billing_release_reply");
    },
  };
}
