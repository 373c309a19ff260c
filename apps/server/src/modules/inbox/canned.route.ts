import {
  ZCannedResponse,
  ZCannedResponseList,
  ZCannedResponseParams,
  ZCreateCannedResponse,
  ZErrorResponse,
  ZUpdateCannedResponse,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import { and, asc, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { cannedResponses } from "../../db/schema/index.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { requireWorkspace } from "../auth/authenticate.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
};
type Row = typeof cannedResponses.$inferSelect;
const toCanned = (c: Row) => ({
  id: c.id,
  shortcut: c.shortcut,
  title: c.title,
  body: c.body,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

/** A unique violation on (workspace, lower(shortcut)) → 409 instead of a 500. */
function taken(err: unknown, shortcut: string | undefined): never {
  const code =
    (err as { code?: string; cause?: { code?: string } }).code ??
    (err as { cause?: { code?: string } }).cause?.code;
  if (code === "23505")
    throw new AppError("ALREADY_EXISTS", `The shortcut /${shortcut} is already used`, { field: "shortcut" });
  throw err;
}

/** Saved replies for the inbox composer; everyone who may reply manages them. */
export function registerCannedResponseRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Inbox"];
  const base = "/api/v1/workspaces/:workspaceId/canned-responses";
  const read = { permission: { conversation: ["read" as const] } };
  const write = { permission: { conversation: ["reply" as const] } };

  r.get(
    base,
    {
      schema: {
        tags,
        summary: "Canned responses",
        params: ZWorkspaceIdParams,
        response: { 200: ZCannedResponseList, ...errors },
      },
    },
    async (req) => {
      const a = await requireWorkspace(req, ctx.authn, req.params.workspaceId, read);
      const rows = await ctx.db
        .select()
        .from(cannedResponses)
        .where(eq(cannedResponses.workspaceId, a.workspaceId))
        .orderBy(asc(cannedResponses.shortcut));
      return { cannedResponses: rows.map(toCanned) };
    },
  );

  r.post(
    base,
    {
      schema: {
        tags,
        summary: "Create a canned response",
        params: ZWorkspaceIdParams,
        body: ZCreateCannedResponse,
        response: { 201: ZCannedResponse, ...errors },
      },
    },
    async (req, res) => {
      const a = await requireWorkspace(req, ctx.authn, req.params.workspaceId, write);
      const [row] = await ctx.db
        .insert(cannedResponses)
        .values({ id: newId("cnr"), workspaceId: a.workspaceId, ...req.body, createdBy: a.userId })
        .returning()
        .catch((err) => taken(err, req.body.shortcut));
      return res.status(201).send(toCanned(row!));
    },
  );

  r.patch(
    `${base}/:cannedResponseId`,
    {
      schema: {
        tags,
        summary: "Change a canned response",
        params: ZCannedResponseParams,
        body: ZUpdateCannedResponse,
        response: { 200: ZCannedResponse, ...errors },
      },
    },
    async (req) => {
      const a = await requireWorkspace(req, ctx.authn, req.params.workspaceId, write);
      const [row] = await ctx.db
        .update(cannedResponses)
        .set({ ...req.body, updatedAt: ctx.clock.now() })
        .where(
          and(
            eq(cannedResponses.workspaceId, a.workspaceId),
            eq(cannedResponses.id, req.params.cannedResponseId),
          ),
        )
        .returning()
        .catch((err) => taken(err, req.body.shortcut));
      if (!row) throw notFound("Canned response");
      return toCanned(row);
    },
  );

  r.delete(
    `${base}/:cannedResponseId`,
    {
      schema: {
        tags,
        summary: "Delete a canned response",
        params: ZCannedResponseParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, res) => {
      const a = await requireWorkspace(req, ctx.authn, req.params.workspaceId, write);
      const [row] = await ctx.db
        .delete(cannedResponses)
        .where(
          and(
            eq(cannedResponses.workspaceId, a.workspaceId),
            eq(cannedResponses.id, req.params.cannedResponseId),
          ),
        )
        .returning({ id: cannedResponses.id });
      if (!row) throw notFound("Canned response");
      return res.status(204).send(null);
    },
  );
}
