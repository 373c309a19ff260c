import {
  ZAdminWorkspaceList,
  ZAdminWorkspaceListQuery,
  ZAssignPlanRequest,
  ZErrorResponse,
  ZMrr,
  ZQuotaExtensionRequest,
  ZWorkspaceBilling,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { requirePlatformAdmin } from "../auth/authenticate.ts";
import { grantsPlan } from "../billing/entitlements.ts";
import { getWorkspaceBilling } from "../billing/get-workspace-billing.ts";
import { currentPeriod } from "../billing/period.ts";
import {
  addExtraReplies,
  findPayingSubscriptions,
  findPlan,
  findPlans,
  findSubscription,
  findSubscriptions,
  findUsagePeriods,
  findWorkspacePage,
  upsertManualSubscription,
  workspaceExists,
} from "../billing/plans.repo.ts";

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };
const tags = ["Admin"];

/** Plans and quotas by hand, for installations without a payment provider (platform admin). */
export function registerAdminBillingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/admin/workspaces",
    {
      schema: {
        tags,
        summary: "Workspaces with their plan and AI replies used this period (platform admin)",
        querystring: ZAdminWorkspaceListQuery,
        response: { 200: ZAdminWorkspaceList, ...errors },
      },
    },
    async (req) => {
      await requirePlatformAdmin(req, ctx.authn);
      const now = ctx.clock.now();
      const page = await findWorkspacePage(ctx.db, req.query.limit, req.query.offset);
      const subs = new Map(
        (
          await findSubscriptions(
            ctx.db,
            page.map((w) => w.id),
          )
        ).map((s) => [s.workspaceId, s]),
      );
      const plans = new Map((await findPlans(ctx.db)).map((p) => [p.id, p]));
      const keyed = page.map((w) => {
        const sub = subs.get(w.id);
        const planId = grantsPlan(sub, { graceDays: ctx.config.billing.graceDays, now })
          ? sub!.planId
          : ctx.config.defaultPlanId;
        return { w, sub, planId, periodKey: currentPeriod(sub, now).key };
      });
      const usage = new Map(
        (
          await findUsagePeriods(
            ctx.db,
            keyed.map((k) => ({ workspaceId: k.w.id, periodKey: k.periodKey })),
          )
        ).map((u) => [u.workspaceId, u]),
      );
      return {
        workspaces: keyed.map(({ w, sub, planId, periodKey }) => {
          const u = usage.get(w.id);
          const limit = plans.get(planId)?.aiReplies ?? null;
          return {
            id: w.id,
            name: w.name,
            planId,
            status: sub?.status ?? null,
            source: sub?.source ?? null,
            periodKey,
            aiReplies: {
              used: u?.aiReplies ?? 0,
              max: limit === null ? null : limit + (u?.extraReplies ?? 0),
            },
          };
        }),
      };
    },
  );

  r.put(
    "/api/v1/admin/workspaces/:workspaceId/plan",
    {
      schema: {
        tags,
        summary: "Put a workspace on a plan by hand (replaces its current plan; calendar-month periods)",
        params: ZWorkspaceIdParams,
        body: ZAssignPlanRequest,
        response: { 200: ZWorkspaceBilling, ...errors },
      },
    },
    async (req) => {
      const admin = await requirePlatformAdmin(req, ctx.authn);
      const { workspaceId } = req.params;
      if (!(await workspaceExists(ctx.db, workspaceId))) throw notFound("Workspace");
      const plan = await findPlan(ctx.db, req.body.planId);
      if (!plan)
        throw new AppError("VALIDATION_FAILED", `There is no plan "${req.body.planId}"`, { field: "planId" });
      const now = ctx.clock.now();
      const current = await findSubscription(ctx.db, workspaceId);
      const period = currentPeriod(null, now);
      await upsertManualSubscription(ctx.db, {
        workspaceId,
        planId: plan.id,
        interval: req.body.interval ?? current?.interval ?? "monthly",
        currency: req.body.currency ?? current?.currency ?? "USD",
        periodStart: period.start,
        periodEnd: period.end,
        now,
      });
      await ctx.audit({
        action: "plan.assigned",
        workspaceId,
        actorUserId: admin.user.id,
        targetType: "workspace",
        targetId: workspaceId,
        ip: req.ip,
        metadata: req.body,
      });
      return getWorkspaceBilling(ctx.db, ctx.config, workspaceId, now);
    },
  );

  r.post(
    "/api/v1/admin/workspaces/:workspaceId/quota-extension",
    {
      schema: {
        tags,
        summary: "Grant extra AI replies for the workspace's current period (platform admin)",
        params: ZWorkspaceIdParams,
        body: ZQuotaExtensionRequest,
        response: { 200: ZWorkspaceBilling, ...errors },
      },
    },
    async (req) => {
      const admin = await requirePlatformAdmin(req, ctx.authn);
      const { workspaceId } = req.params;
      if (!(await workspaceExists(ctx.db, workspaceId))) throw notFound("Workspace");
      const now = ctx.clock.now();
      const period = currentPeriod(await findSubscription(ctx.db, workspaceId), now);
      await addExtraReplies(ctx.db, workspaceId, period.key, req.body.replies);
      await ctx.audit({
        action: "quota.extended",
        workspaceId,
        actorUserId: admin.user.id,
        targetType: "workspace",
        targetId: workspaceId,
        ip: req.ip,
        metadata: { periodKey: period.key, replies: req.body.replies },
      });
      return getWorkspaceBilling(ctx.db, ctx.config, workspaceId, now);
    },
  );

  r.get(
    "/api/v1/admin/mrr",
    {
      schema: {
        tags,
        summary: "Monthly recurring revenue per currency from active plans with prices (platform admin)",
        response: { 200: ZMrr, ...errors },
      },
    },
    async (req) => {
      await requirePlatformAdmin(req, ctx.authn);
      const mrr: Record<string, number> = {};
      let subscriptions = 0;
      for (const s of await findPayingSubscriptions(ctx.db)) {
        const price = s.prices[s.currency];
        if (!price) continue;
        const monthly = s.interval === "yearly" ? price.yearly / 12 : price.monthly;
        if (monthly <= 0) continue;
        mrr[s.currency] = (mrr[s.currency] ?? 0) + monthly;
        subscriptions++;
      }
      for (const c of Object.keys(mrr)) mrr[c] = Math.round(mrr[c]!);
      return { mrr, subscriptions };
    },
  );
}
