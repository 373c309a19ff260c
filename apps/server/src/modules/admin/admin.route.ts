import {
  ZAuditList,
  ZAuditQuery,
  ZErrorResponse,
  ZOutboxList,
  ZOutboxQuery,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { type AuditCursor, decodeAuditCursor, encodeAuditCursor, findAuditEntries } from "../audit/index.ts";
import { requirePlatformAdmin, requireWorkspace } from "../auth/authenticate.ts";
import { findLatestEmails } from "../email/index.ts";

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };

export function registerAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/admin/outbox",
    {
      schema: {
        tags: ["Admin"],
        summary: "Latest emails sent or stored in the local outbox (platform admin)",
        querystring: ZOutboxQuery,
        response: { 200: ZOutboxList, ...errors },
      },
    },
    async (req) => {
      await requirePlatformAdmin(req, ctx.authn);
      const rows = await findLatestEmails(ctx.db, {
        limit: req.query.limit,
        ...(req.query.to ? { to: req.query.to } : {}),
      });
      return {
        emails: rows.map((e) => ({
          id: e.id,
          to: e.to,
          subject: e.subject,
          text: e.text,
          template: e.template,
          locale: e.locale,
          transport: e.transport,
          status: e.status,
          error: e.error,
          createdAt: e.createdAt.toISOString(),
        })),
      };
    },
  );

  r.get(
    "/api/v1/workspaces/:workspaceId/audit-log",
    {
      schema: {
        tags: ["Workspaces"],
        summary: "Security-relevant actions in this workspace (owner or admin)",
        params: ZWorkspaceIdParams,
        querystring: ZAuditQuery,
        response: { 200: ZAuditList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { auditLog: ["read"] },
      });
      let after: AuditCursor | undefined;
      if (req.query.cursor) {
        after = decodeAuditCursor(req.query.cursor);
        if (!after)
          throw new AppError(
            "VALIDATION_FAILED",
            "The cursor is not valid; use nextCursor from a previous page",
          );
      }
      const rows = await findAuditEntries(ctx.db, {
        workspaceId: access.workspaceId,
        limit: req.query.limit + 1,
        ...(after ? { after } : {}),
      });
      const page = rows.slice(0, req.query.limit);
      return {
        nextCursor: rows.length > req.query.limit ? encodeAuditCursor(page.at(-1)!) : null,
        entries: page.map((a) => ({
          id: a.id,
          action: a.action,
          actorUserId: a.actorUserId,
          targetType: a.targetType,
          targetId: a.targetId,
          ip: a.ip,
          metadata: a.metadata,
          createdAt: a.createdAt.toISOString(),
        })),
      };
    },
  );
}
