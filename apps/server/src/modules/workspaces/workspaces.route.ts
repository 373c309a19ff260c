import {
  ZCreateWorkspaceRequest,
  ZErrorResponse,
  ZUpdateWorkspaceRequest,
  ZWorkspace,
  ZWorkspaceIdParams,
  ZWorkspaceList,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { notFound } from "../../platform/errors.ts";
import { getPrincipal, requireUser, requireWorkspace } from "../auth/authenticate.ts";
import { createWorkspace } from "./create-workspace.ts";
import {
  findWorkspaceById,
  findWorkspacesForUser,
  renameWorkspace,
  type WorkspaceRow,
} from "./workspaces.repo.ts";

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };
const toWorkspace = (w: WorkspaceRow, role?: string) => ({
  id: w.id,
  name: w.name,
  slug: w.slug,
  role: role as never,
  createdAt: w.createdAt.toISOString(),
});

export function registerWorkspaceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Workspaces"];

  r.post(
    "/api/v1/workspaces",
    {
      schema: {
        tags,
        summary: "Create a workspace (you become its owner)",
        body: ZCreateWorkspaceRequest,
        response: { 201: ZWorkspace, ...errors },
      },
    },
    async (req, reply) => {
      const user = await requireUser(req, ctx.authn);
      const created = await createWorkspace(ctx.auth, req.headers, req.body.name);
      await ctx.audit({
        action: "workspace.created",
        workspaceId: created.id,
        actorUserId: user.user.id,
        targetType: "workspace",
        targetId: created.id,
        ip: req.ip,
      });
      const row = await findWorkspaceById(ctx.db, created.id);
      return reply.status(201).send(toWorkspace(row!, "owner"));
    },
  );

  r.get(
    "/api/v1/workspaces",
    {
      schema: {
        tags,
        summary: "List the workspaces you belong to (or the API key's workspace)",
        response: { 200: ZWorkspaceList, ...errors },
      },
    },
    async (req) => {
      const p = await getPrincipal(req, ctx.authn);
      if (p?.kind === "apiKey") {
        const w = await findWorkspaceById(ctx.db, p.workspaceId);
        return { workspaces: w ? [toWorkspace(w)] : [] };
      }
      const user = await requireUser(req, ctx.authn);
      const rows = await findWorkspacesForUser(ctx.db, user.user.id);
      return { workspaces: rows.map((r) => toWorkspace(r.workspace, r.role)) };
    },
  );

  r.get(
    "/api/v1/workspaces/:workspaceId",
    {
      schema: {
        tags,
        summary: "Get a workspace",
        params: ZWorkspaceIdParams,
        response: { 200: ZWorkspace, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        scope: "workspace:read",
      });
      const w = await findWorkspaceById(ctx.db, access.workspaceId);
      if (!w) throw notFound("Workspace");
      return toWorkspace(w, access.role);
    },
  );

  r.patch(
    "/api/v1/workspaces/:workspaceId",
    {
      schema: {
        tags,
        summary: "Rename a workspace (owner or admin)",
        params: ZWorkspaceIdParams,
        body: ZUpdateWorkspaceRequest,
        response: { 200: ZWorkspace, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { organization: ["update"] },
      });
      const w = await renameWorkspace(ctx.db, access.workspaceId, req.body.name);
      if (!w) throw notFound("Workspace");
      return toWorkspace(w, access.role);
    },
  );
}
