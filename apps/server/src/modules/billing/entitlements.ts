import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { findPlan, findSubscription, type PlanRow, type SubscriptionRow } from "./plans.repo.ts";

export type LimitName = "agents" | "sites" | "members" | "knowledge_bytes" | "ai_replies";

export type GraceRule = { graceDays: number; now: Date };

/**
 * Whether a subscription still grants its plan: a canceled one falls back to the default plan,
 * and so does one past_due for longer than the grace period (given `grace`).
 */
export function grantsPlan(
  sub: Pick<SubscriptionRow, "status" | "pastDueSince"> | null | undefined,
  grace?: GraceRule,
): boolean {
  if (!sub || sub.status === "canceled") return false;
  if (grace && sub.status === "past_due" && sub.pastDueSince) {
    return sub.pastDueSince.getTime() + grace.graceDays * 86_400_000 > grace.now.getTime();
  }
  return true;
}

/**
 * The plan a workspace is on now: its subscription's plan, or the default plan without one (or
 * after it was canceled). A missing plan row is a broken installation, not a tenant error.
 */
export async function getWorkspacePlan(
  db: Db,
  config: Pick<Config, "defaultPlanId" | "billing">,
  workspaceId: string,
  now: Date = new Date(),
): Promise<{ plan: PlanRow; subscription: SubscriptionRow | null }> {
  const subscription = (await findSubscription(db, workspaceId)) ?? null;
  const granted = grantsPlan(subscription, { graceDays: config.billing.graceDays, now });
  const planId = granted ? subscription!.planId : config.defaultPlanId;
  const plan = await findPlan(db, planId);
  if (!plan) throw new Error(`Plan "${planId}" does not exist (check DEFAULT_PLAN and the plans table)`);
  return { plan, subscription };
}

export function planLimit(plan: PlanRow, limit: LimitName): number | null {
  switch (limit) {
    case "agents":
      return plan.maxAgents;
    case "sites":
      return plan.maxSites;
    case "members":
      return plan.maxMembers;
    case "knowledge_bytes":
      return plan.maxKnowledgeBytes;
    case "ai_replies":
      return plan.aiReplies;
  }
}

const NOUN: Record<LimitName, string> = {
  agents: "agents",
  sites: "sites",
  members: "members",
  knowledge_bytes: "of knowledge",
  ai_replies: "AI replies this period",
};

/**
 * "May this workspace add `adding` more of X now?" — the single answer every limited action
 * asks for (agents, members, knowledge size; AI replies go through the meter, which reserves
 * atomically). Throws 403 LIMIT_REACHED naming the plan, with {limit, max, used}.
 */
export async function assertPlanAllows(
  db: Db,
  config: Pick<Config, "defaultPlanId" | "billing">,
  workspaceId: string,
  limit: LimitName,
  used: number,
  adding = 1,
): Promise<void> {
  const { plan } = await getWorkspacePlan(db, config, workspaceId);
  const max = planLimit(plan, limit);
  if (max === null || used + adding <= max) return;
  const n = (v: number) => (limit === "knowledge_bytes" ? `${(v / 1024 / 1024).toFixed(1)} MB` : String(v));
  throw new AppError(
    "LIMIT_REACHED",
    `The ${plan.name} plan allows ${n(max)} ${NOUN[limit]} and this workspace has ${n(used)}; upgrade the plan for more`,
    { limit, max, used, plan: plan.id },
  );
}
