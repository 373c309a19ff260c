import {
  ZCreateInvitationRequest,
  ZErrorResponse,
  ZInvitation,
  ZInvitationList,
  ZInvitationParams,
  ZWorkspace,
  ZWorkspaceIdParams,
  ZWorkspaceInvitationParams,
} from "@minichat/contracts";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { requireUser, requireWorkspace } from "../auth/authenticate.ts";
import { callAuth } from "../auth/call-auth.ts";
import { assertCanAddMember } from "../billing/member-limit.ts";
import {
  findInvitationById,
  findInvitations,
  findWorkspaceById,
  findWorkspaceInvitation,
  type InvitationRow,
} from "./workspaces.repo.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
};
const toInvitation = (i: InvitationRow, now: Date) => ({
  id: i.id,
  workspaceId: i.organizationId,
  email: i.email,
  role: (i.role ?? "viewer") as never,
  status: (i.status === "pending" && i.expiresAt <= now ? "expired" : i.status) as never,
  expiresAt: i.expiresAt.toISOString(),
});

export function registerInvitationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Members"];

  r.post(
    "/api/v1/workspaces/:workspaceId/invitations",
    {
      schema: {
        tags,
        summary: "Invite someone by email (owner or admin); the email carries the accept link",
        params: ZWorkspaceIdParams,
        body: ZCreateInvitationRequest,
        response: { 201: ZInvitation, ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { invitation: ["create"] },
      });
      const email = req.body.email.toLowerCase();
      const now = ctx.clock.now();
      // Pending invitations hold a seat: accepting them must not take the workspace past its plan.
      // Inviting an address again (a resend) replaces its pending invitation, whose seat it reuses.
      const pending = await findInvitations(ctx.db, access.workspaceId, ["pending"]);
      const resend = pending.some((i) => i.email.toLowerCase() === email && i.expiresAt > now);
      if (!resend) await assertCanAddMember(ctx.db, ctx.config, access.workspaceId, now, { pending: true });
      const created = await callAuth(() =>
        ctx.auth.api.createInvitation({
          body: {
            email,
            role: req.body.role,
            organizationId: access.workspaceId,
          },
          headers: fromNodeHeaders(req.headers),
        }),
      );
      const row = await findWorkspaceInvitation(ctx.db, access.workspaceId, created.id);
      await ctx.audit({
        action: "invitation.created",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "invitation",
        targetId: created.id,
        ip: req.ip,
        metadata: { email, role: req.body.role, resend },
      });
      return reply.status(201).send(toInvitation(row!, ctx.clock.now()));
    },
  );

  r.get(
    "/api/v1/workspaces/:workspaceId/invitations",
    {
      schema: {
        tags,
        summary: "List pending invitations (owner or admin)",
        params: ZWorkspaceIdParams,
        response: { 200: ZInvitationList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { invitation: ["create"] },
      });
      const rows = await findInvitations(ctx.db, access.workspaceId, ["pending"]);
      return { invitations: rows.map((i) => toInvitation(i, ctx.clock.now())) };
    },
  );

  r.delete(
    "/api/v1/workspaces/:workspaceId/invitations/:invitationId",
    {
      schema: {
        tags,
        summary: "Cancel a pending invitation (owner or admin)",
        params: ZWorkspaceInvitationParams,
        response: { 200: ZInvitation, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { invitation: ["cancel"] },
      });
      const existing = await findWorkspaceInvitation(ctx.db, access.workspaceId, req.params.invitationId);
      if (!existing) throw notFound("Invitation");
      if (existing.status !== "pending")
        throw new AppError("CONFLICT", `This invitation is already ${existing.status}`);
      await callAuth(() =>
        ctx.auth.api.cancelInvitation({
          body: { invitationId: existing.id },
          headers: fromNodeHeaders(req.headers),
        }),
      );
      await ctx.audit({
        action: "invitation.canceled",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "invitation",
        targetId: existing.id,
        ip: req.ip,
      });
      return toInvitation(
        (await findWorkspaceInvitation(ctx.db, access.workspaceId, existing.id))!,
        ctx.clock.now(),
      );
    },
  );

  r.post(
    "/api/v1/invitations/:invitationId/accept",
    {
      schema: {
        tags,
        summary: "Accept an invitation sent to your email address",
        params: ZInvitationParams,
        response: { 200: ZWorkspace, ...errors },
      },
    },
    async (req) => {
      const user = await requireUser(req, ctx.authn);
      const inv = await findInvitationById(ctx.db, req.params.invitationId);
      // Invitations addressed to someone else look exactly like missing ones.
      if (!inv || inv.email.toLowerCase() !== user.user.email.toLowerCase()) throw notFound("Invitation");
      if (inv.status !== "pending")
        throw new AppError("CONFLICT", `This invitation is already ${inv.status}`);
      if (inv.expiresAt <= ctx.clock.now())
        throw new AppError("CONFLICT", "This invitation has expired; ask for a new one");
      await assertCanAddMember(ctx.db, ctx.config, inv.organizationId, ctx.clock.now(), { pending: false });
      const result = await callAuth(() =>
        ctx.auth.api.acceptInvitation({
          body: { invitationId: inv.id },
          headers: fromNodeHeaders(req.headers),
        }),
      );
      await ctx.audit({
        action: "member.joined",
        workspaceId: inv.organizationId,
        actorUserId: user.user.id,
        targetType: "member",
        targetId: result?.member.id ?? null,
        ip: req.ip,
        metadata: { invitationId: inv.id, role: inv.role },
      });
      const w = await findWorkspaceById(ctx.db, inv.organizationId);
      return {
        id: w!.id,
        name: w!.name,
        slug: w!.slug,
        role: (inv.role ?? "viewer") as never,
        createdAt: w!.createdAt.toISOString(),
      };
    },
  );
}
