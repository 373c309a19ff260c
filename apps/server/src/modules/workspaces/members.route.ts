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
import type { Db } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { assertCan } from "./roles.ts";
import {
  countOwners,
  deleteMember,
  findMemberById,
  findMembers,
  findMembership,
  updateMemberRole,
  withWorkspaceLock,
} from "./workspaces.repo.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
};

/** The caller's role read inside the lock: a role changed a moment ago counts, not the one at sign-in. */
async function currentRole(tx: Db, workspaceId: string, userId: string | null): Promise<string> {
  const membership = userId ? await findMembership(tx, workspaceId, userId) : undefined;
  if (!membership) throw new AppError("NOT_FOUND", "Workspace not found");
  return membership.role;
}

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
      const { role } = req.body;
      const { target, changed } = await withWorkspaceLock(ctx.db, access.workspaceId, async (tx) => {
        const actorRole = await currentRole(tx, access.workspaceId, access.userId);
        assertCan(actorRole, { member: ["update"] });
        const target = await findMemberById(tx, access.workspaceId, req.params.memberId);
        if (!target) throw notFound("Member");
        if ((role === "owner" || target.role === "owner") && actorRole !== "owner") {
          throw new AppError("FORBIDDEN", "Only an owner can grant or remove the owner role");
        }
        if (target.role === "owner" && role !== "owner" && (await countOwners(tx, access.workspaceId)) <= 1) {
          throw new AppError(
            "CONFLICT",
            "A workspace needs at least one owner; make someone else owner first",
          );
        }
        if (role === target.role) return { target, changed: false };
        await updateMemberRole(tx, access.workspaceId, target.id, role);
        return { target, changed: true };
      });
      if (changed) {
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
      const { target, self } = await withWorkspaceLock(ctx.db, access.workspaceId, async (tx) => {
        const actorRole = await currentRole(tx, access.workspaceId, access.userId);
        const target = await findMemberById(tx, access.workspaceId, req.params.memberId);
        if (!target) throw notFound("Member");
        const self = target.userId === access.userId;
        if (!self) assertCan(actorRole, { member: ["delete"] });
        if (target.role === "owner" && !self && actorRole !== "owner") {
          throw new AppError("FORBIDDEN", "Only an owner can remove an owner");
        }
        if (target.role === "owner" && (await countOwners(tx, access.workspaceId)) <= 1) {
          throw new AppError(
            "CONFLICT",
            "A workspace needs at least one owner; make someone else owner first",
          );
        }
        await deleteMember(tx, access.workspaceId, target.id);
        return { target, self };
      });
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
