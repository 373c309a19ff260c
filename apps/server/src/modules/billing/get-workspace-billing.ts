import type { TWorkspaceBilling } from "@minichat/contracts";
import { eq, sql } from "drizzle-orm";
import { knowledgeSources } from "../../db/schema/index.ts";
import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { countAgents, findWorkspaceOrigins } from "../agents/agents.repo.ts";
import { getWorkspacePlan } from "./entitlements.ts";
import { currentPeriod } from "./period.ts";
import { countMembers, findAlerts, findUsagePeriod } from "./plans.repo.ts";
import { toPlan } from "./to-plan.ts";

/** What the owner sees: the plan, this period, what is used and left of every limit, alerts. */
export async function getWorkspaceBilling(
  db: Db,
  config: Pick<Config, "defaultPlanId" | "billing">,
  workspaceId: string,
  now: Date,
): Promise<TWorkspaceBilling> {
  const { plan, subscription } = await getWorkspacePlan(db, config, workspaceId, now);
  const period = currentPeriod(subscription, now);
  const [usage, alerts, agents, sites, members, knowledge] = await Promise.all([
    findUsagePeriod(db, workspaceId, period.key),
    findAlerts(db, workspaceId, period.key),
    countAgents(db, workspaceId),
    findWorkspaceOrigins(db, workspaceId),
    countMembers(db, workspaceId),
    db
      .select({ used: sql<number>`coalesce(sum(${knowledgeSources.sizeBytes}), 0)::bigint` })
      .from(knowledgeSources)
      .where(eq(knowledgeSources.workspaceId, workspaceId)),
  ]);
  const used = usage?.aiReplies ?? 0;
  const extra = usage?.extraReplies ?? 0;
  const max = plan.aiReplies === null ? null : plan.aiReplies + extra;
  return {
    plan: toPlan(plan),
    subscription: subscription
      ? {
          status: subscription.status,
          interval: subscription.interval,
          currency: subscription.currency,
          source: subscription.source,
          planId: subscription.planId,
          cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
          currentPeriodEnd: subscription.currentPeriodEnd?.toISOString() ?? null,
          scheduledPlanId: subscription.scheduledPlanId,
          scheduledInterval: subscription.scheduledInterval,
          pastDueSince: subscription.pastDueSince?.toISOString() ?? null,
          graceEndsAt: subscription.pastDueSince
            ? new Date(
                subscription.pastDueSince.getTime() + config.billing.graceDays * 86_400_000,
              ).toISOString()
            : null,
        }
      : null,
    period: { key: period.key, start: period.start.toISOString(), end: period.end.toISOString() },
    aiReplies: { used, max, left: max === null ? null : Math.max(0, max - used), extra },
    usage: {
      agents: { used: agents, max: plan.maxAgents },
      // Sites: distinct origins the workspace's agents allow the widget on.
      sites: { used: sites.length, max: plan.maxSites },
      members: { used: members, max: plan.maxMembers },
      knowledgeBytes: { used: Number(knowledge[0]?.used ?? 0), max: plan.maxKnowledgeBytes },
    },
    paymentProviders: paymentProviders(config),
    alerts: alerts.map((a) => ({
      threshold: a.threshold,
      used: a.used,
      max: a.max,
      createdAt: a.createdAt.toISOString(),
    })),
  };
}

/** Providers a checkout can use on this installation (none: the admin assigns plans). */
function paymentProviders(config: Pick<Config, "billing">): ("stripe" | "lemonsqueezy")[] {
  const out: ("stripe" | "lemonsqueezy")[] = [];
  if (config.billing.stripe) out.push("stripe");
  if (config.billing.lemonSqueezy) out.push("lemonsqueezy");
  return out;
}
