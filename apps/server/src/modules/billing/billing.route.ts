import {
  ZErrorResponse,
  ZPlan,
  ZPlanList,
  ZPlanParams,
  ZUpdatePlanRequest,
  ZWorkspaceBilling,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { notFound } from "../../platform/errors.ts";
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
        summary: "Change a plan's name, limits, prices or visibility (platform admin)",
        params: ZPlanParams,
        body: ZUpdatePlanRequest,
        response: { 200: ZPlan, ...errors },
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
      const updated = toPlan((await updatePlan(ctx.db, plan.id, set))!);
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
