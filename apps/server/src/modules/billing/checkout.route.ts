import {
  ZChangePlanRequest,
  ZCheckoutRequest,
  ZCheckoutResponse,
  ZErrorResponse,
  ZPortalResponse,
  ZWorkspaceBilling,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { findWorkspaceById } from "../workspaces/workspaces.repo.ts";
import { changePlan } from "./change-plan.ts";
import { getWorkspaceBilling } from "./get-workspace-billing.ts";
import { openPortal } from "./open-portal.ts";
import { startCheckout } from "./start-checkout.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
  502: ZErrorResponse,
};

/** Owners and admins pay: checkout, customer portal, plan changes. */
export function registerCheckoutRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const manage = { permission: { billing: ["manage" as const] } };

  r.post(
    "/api/v1/workspaces/:workspaceId/billing/checkout",
    {
      schema: {
        tags: ["Billing"],
        summary: "Start a checkout for a paid plan; redirect the user to the returned URL",
        params: ZWorkspaceIdParams,
        body: ZCheckoutRequest,
        response: { 200: ZCheckoutResponse, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, manage);
      if (access.principal.kind !== "user") throw new AppError("FORBIDDEN", "Sign in to pay for a plan");
      const workspace = await findWorkspaceById(ctx.db, access.workspaceId);
      if (!workspace) throw new AppError("NOT_FOUND", "Workspace not found");
      const user = access.principal.user;
      const result = await startCheckout(ctx, {
        workspace: { id: workspace.id, name: workspace.name },
        payer: { email: user.email, name: user.name },
        request: req.body,
        log: req.log,
      });
      await ctx.audit({
        action: "billing.checkout_started",
        workspaceId: access.workspaceId,
        actorUserId: user.id,
        targetType: "plan",
        targetId: req.body.planId,
        ip: req.ip,
        metadata: { ...req.body, provider: result.provider },
      });
      return result;
    },
  );

  r.post(
    "/api/v1/workspaces/:workspaceId/billing/portal",
    {
      schema: {
        tags: ["Billing"],
        summary: "Open the payment provider's customer portal (cards, invoices, cancel)",
        params: ZWorkspaceIdParams,
        response: { 200: ZPortalResponse, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, manage);
      return openPortal(ctx, access.workspaceId, req.log);
    },
  );

  r.post(
    "/api/v1/workspaces/:workspaceId/billing/change",
    {
      schema: {
        tags: ["Billing"],
        summary: "Change the paid plan: upgrades now (prorated), downgrades at the end of the period",
        params: ZWorkspaceIdParams,
        body: ZChangePlanRequest,
        response: { 200: ZWorkspaceBilling, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, manage);
      const { upgrade } = await changePlan(ctx, access.workspaceId, req.body, req.log);
      await ctx.audit({
        action: "billing.plan_change_requested",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "plan",
        targetId: req.body.planId,
        ip: req.ip,
        metadata: { ...req.body, upgrade },
      });
      return getWorkspaceBilling(ctx.db, ctx.config, access.workspaceId, ctx.clock.now());
    },
  );
}
