import {
  ZErrorResponse,
  ZMember,
  ZMemberList,
  ZMemberParams,
  ZUpdateMemberRequest,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { assertCan } from "./roles.ts";
import {
  countOwners,
  deleteMember,
  findMemberById,
  findMembers,
  updateMemberRole,
} from "./workspaces.repo.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
};

export function registerMemberRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Members"];

  async function listMembers(workspaceId: string) {
    const rows = await findMembers(ctx.db, workspaceId);
    return rows.map((m) => ({
      id: m.member.id,
      userId: m.member.userId,
      name: m.name,
      email: m.email,
      role: m.member.role as never,
      joinedAt: m.member.createdAt.toISOString(),
    }));
  }

  r.get(
    "/api/v1/workspaces/:workspaceId/members",
    {
      schema: {
        tags,
        summary: "List members",
        params: ZWorkspaceIdParams,
        response: { 200: ZMemberList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {});
      return { members: await listMembers(access.workspaceId) };
    },
  );

  r.patch(
    "/api/v1/workspaces/:workspaceId/members/:memberId",
    {
      schema: {
        tags,
        summary: "Change a member's role (owner or admin; only owners grant or remove the owner role)",
        params: ZMemberParams,
        body: ZUpdateMemberRequest,
        response: { 200: ZMember, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { member: ["update"] },
      });
      const target = await findMemberById(ctx.db, access.workspaceId, req.params.memberId);
      if (!target) throw notFound("Member");
      const { role } = req.body;
      if ((role === "owner" || target.role === "owner") && access.role !== "owner") {
        throw new AppError("FORBIDDEN", "Only an owner can grant or remove the owner role");
      }
      if (
        target.role === "owner" &&
        role !== "owner" &&
        (await countOwners(ctx.db, access.workspaceId)) <= 1
      ) {
        throw new AppError("CONFLICT", "A workspace needs at least one owner; make someone else owner first");
      }
      if (role !== target.role) {
        await updateMemberRole(ctx.db, access.workspaceId, target.id, role);
        await ctx.audit({
          action: "member.role_changed",
          workspaceId: access.workspaceId,
          actorUserId: access.userId,
          targetType: "member",
          targetId: target.id,
          ip: req.ip,
          metadata: { from: target.role, to: role, userId: target.userId },
        });
      }
      const all = await listMembers(access.workspaceId);
      return all.find((m) => m.id === target.id)!;
    },
  );

  r.delete(
    "/api/v1/workspaces/:workspaceId/members/:memberId",
    {
      schema: {
        tags,
        summary: "Remove a member (owner or admin), or leave the workspace yourself",
        params: ZMemberParams,
        response: { 200: z.object({ removed: z.literal(true) }), ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {});
      const target = await findMemberById(ctx.db, access.workspaceId, req.params.memberId);
      if (!target) throw notFound("Member");
      const self = target.userId === access.userId;
      if (!self) assertCan(access.role ?? "", { member: ["delete"] });
      if (target.role === "owner" && !self && access.role !== "owner") {
        throw new AppError("FORBIDDEN", "Only an owner can remove an owner");
      }
      if (target.role === "owner" && (await countOwners(ctx.db, access.workspaceId)) <= 1) {
        throw new AppError("CONFLICT", "A workspace needs at least one owner; make someone else owner first");
      }
      await deleteMember(ctx.db, access.workspaceId, target.id);
      await ctx.audit({
        action: "member.removed",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "member",
        targetId: target.id,
        ip: req.ip,
        metadata: { userId: target.userId, role: target.role, self },
      });
      return { removed: true as const };
    },
  );
}
