import {
  ZAdminPlan,
  ZErrorResponse,
  ZPlanList,
  ZPlanParams,
  ZUpdatePlanRequest,
  ZWorkspaceBilling,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { requirePlatformAdmin, requireWorkspace } from "../auth/authenticate.ts";
import { getWorkspaceBilling } from "./get-workspace-billing.ts";
import { findPlan, findPlans, type PlanRow, updatePlan } from "./plans.repo.ts";
import { toPlan } from "./to-plan.ts";

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };

export function registerBillingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/plans",
    {
      schema: {
        tags: ["Billing"],
        summary: "Plans on offer, with limits and prices (public)",
        response: { 200: ZPlanList },
      },
    },
    async () => ({ plans: (await findPlans(ctx.db, { onlyPublic: true })).map(toPlan) }),
  );

  r.get(
    "/api/v1/workspaces/:workspaceId/billing",
    {
      schema: {
        tags: ["Billing"],
        summary: "The workspace's plan, this period's AI replies used and left, every limit, quota alerts",
        params: ZWorkspaceIdParams,
        response: { 200: ZWorkspaceBilling, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {});
      return getWorkspaceBilling(ctx.db, ctx.config, access.workspaceId, ctx.clock.now());
    },
  );

  r.put(
    "/api/v1/admin/plans/:planId",
    {
      schema: {
        tags: ["Admin"],
        summary:
          "Change a plan's name, limits, prices, visibility or Lemon Squeezy variants (platform admin)",
        params: ZPlanParams,
        body: ZUpdatePlanRequest,
        response: { 200: ZAdminPlan, ...errors, 409: ZErrorResponse },
      },
    },
    async (req) => {
      const admin = await requirePlatformAdmin(req, ctx.authn);
      const plan = await findPlan(ctx.db, req.params.planId);
      if (!plan) throw notFound("Plan");
      const b = req.body;
      const set: Partial<PlanRow> = {};
      if (b.name !== undefined) set.name = b.name;
      if (b.position !== undefined) set.position = b.position;
      if (b.public !== undefined) set.public = b.public;
      if (b.limits?.aiReplies !== undefined) set.aiReplies = b.limits.aiReplies;
      if (b.limits?.agents !== undefined) set.maxAgents = b.limits.agents;
      if (b.limits?.sites !== undefined) set.maxSites = b.limits.sites;
      if (b.limits?.members !== undefined) set.maxMembers = b.limits.members;
      if (b.limits?.knowledgeBytes !== undefined) set.maxKnowledgeBytes = b.limits.knowledgeBytes;
      if (b.prices) {
        const prices = { ...plan.prices };
        for (const [currency, price] of Object.entries(b.prices)) {
          if (price === null) delete prices[currency];
          else if (price) prices[currency] = price;
        }
        set.prices = prices;
      }
      if (b.providerRefs?.lemonsqueezy) {
        set.providerRefs = lemonSqueezyRefs(plan, b.providerRefs.lemonsqueezy, await findPlans(ctx.db));
      }
      const row = (await updatePlan(ctx.db, plan.id, set))!;
      const updated = { ...toPlan(row), providerRefs: row.providerRefs };
      await ctx.audit({
        action: "plan.updated",
        workspaceId: null,
        actorUserId: admin.user.id,
        targetType: "plan",
        targetId: plan.id,
        ip: req.ip,
        metadata: req.body,
      });
      return updated;
    },
  );
}

/**
 * The plan's Lemon Squeezy variants after an edit (null removes one). A variant names one plan
 * and interval only: webhooks find the plan by it.
 */
function lemonSqueezyRefs(
  plan: PlanRow,
  edit: { monthly?: string | null | undefined; yearly?: string | null | undefined },
  all: PlanRow[],
): PlanRow["providerRefs"] {
  const ls = { ...plan.providerRefs.lemonsqueezy };
  for (const interval of ["monthly", "yearly"] as const) {
    const v = edit[interval];
    if (v === null) delete ls[interval];
    else if (v !== undefined) ls[interval] = v;
  }
  if (ls.monthly && ls.monthly === ls.yearly) {
    throw new AppError("CONFLICT", "The monthly and yearly Lemon Squeezy variants must differ", ls);
  }
  for (const other of all) {
    if (other.id === plan.id) continue;
    const taken = [other.providerRefs.lemonsqueezy?.monthly, other.providerRefs.lemonsqueezy?.yearly];
    const clash = [ls.monthly, ls.yearly].find((v) => v && taken.includes(v));
    if (clash) {
      throw new AppError("CONFLICT", `Lemon Squeezy variant ${clash} already sells the ${other.name} plan`, {
        variantId: clash,
        planId: other.id,
      });
    }
  }
  return { ...plan.providerRefs, lemonsqueezy: ls };
}
