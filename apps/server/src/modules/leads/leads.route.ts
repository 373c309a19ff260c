import { Readable } from "node:stream";
import {
  ZCreateLeadNoteRequest,
  ZErrorResponse,
  ZLeadDetail,
  ZLeadFilter,
  ZLeadList,
  ZLeadListQuery,
  ZLeadNote,
  ZLeadNoteParams,
  ZLeadParams,
  ZUpdateLeadRequest,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { addLeadNote } from "./add-lead-note.ts";
import { deleteLeadNote } from "./delete-lead-note.ts";
import { exportLeadsCsv } from "./export-leads.ts";
import { findLeads, getLead } from "./find-leads.ts";
import { toLeadNote } from "./to-lead.ts";
import { type LeadDeps, updateLeadStatus } from "./update-lead-status.ts";

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };
const read = { permission: { lead: ["read" as const] }, scope: "leads:read" as const };
const write = { permission: { lead: ["update" as const] }, scope: "leads:write" as const };

export function registerLeadRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Leads"];
  const base = "/api/v1/workspaces/:workspaceId/leads";
  const deps: LeadDeps = { db: ctx.db, audit: ctx.audit, events: ctx.events, clock: ctx.clock };

  r.get(
    base,
    {
      schema: {
        tags,
        summary:
          "Leads captured by the workspace's agents, newest first, with contact, agent and latest note; filter by status, agent, text and dates (viewers and above; API key with leads:read)",
        params: ZWorkspaceIdParams,
        querystring: ZLeadListQuery,
        response: { 200: ZLeadList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, read);
      return findLeads(ctx.db, access.workspaceId, req.query);
    },
  );

  r.get(
    `${base}/export.csv`,
    {
      schema: {
        tags,
        summary:
          "The leads matching the same filters as the list, as a CSV download (UTF-8 with BOM, header row; cells that a spreadsheet would run as a formula start with an apostrophe)",
        params: ZWorkspaceIdParams,
        querystring: ZLeadFilter,
        response: {
          200: {
            description: "The CSV file (Content-Disposition: attachment)",
            content: { "text/csv": { schema: z.string() } },
          },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, read);
      const chunks = await exportLeadsCsv(ctx.db, access.workspaceId, req.query);
      const day = ctx.clock.now().toISOString().slice(0, 10);
      return (
        reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="leads-${day}.csv"`)
          .header("cache-control", "no-store")
          // Typed as the schema's string; Fastify pipes a stream of it without serializing.
          .send(Readable.from(chunks) as unknown as string)
      );
    },
  );

  r.get(
    `${base}/:leadId`,
    {
      schema: {
        tags,
        summary: "A lead with its contact and all the team's notes, newest first",
        params: ZLeadParams,
        response: { 200: ZLeadDetail, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, read);
      return getLead(ctx.db, access.workspaceId, req.params.leadId);
    },
  );

  r.patch(
    `${base}/:leadId`,
    {
      schema: {
        tags,
        summary:
          "Move a lead in the pipeline: new, contacted, qualified, won or lost, in any order (operators and above; API key with leads:write)",
        params: ZLeadParams,
        body: ZUpdateLeadRequest,
        response: { 200: ZLeadDetail, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, write);
      await updateLeadStatus(deps, {
        workspaceId: access.workspaceId,
        leadId: req.params.leadId,
        status: req.body.status,
        actor: { userId: access.userId, ip: req.ip },
      });
      return getLead(ctx.db, access.workspaceId, req.params.leadId);
    },
  );

  r.post(
    `${base}/:leadId/notes`,
    {
      schema: {
        tags,
        summary: "Add a note to a lead, 1 to 5000 characters (operators and above; API key with leads:write)",
        params: ZLeadParams,
        body: ZCreateLeadNoteRequest,
        response: { 201: ZLeadNote, ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, write);
      const note = await addLeadNote(deps, {
        workspaceId: access.workspaceId,
        leadId: req.params.leadId,
        body: req.body.body,
        actor: { userId: access.userId, ip: req.ip },
      });
      return reply.status(201).send(toLeadNote(note));
    },
  );

  r.delete(
    `${base}/:leadId/notes/:noteId`,
    {
      schema: {
        tags,
        summary: "Delete a note: its author, or an owner or admin (signed-in members only)",
        params: ZLeadNoteParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: write.permission,
      });
      await deleteLeadNote(deps, {
        workspaceId: access.workspaceId,
        leadId: req.params.leadId,
        noteId: req.params.noteId,
        actor: { userId: access.userId, ip: req.ip },
        role: access.role,
      });
      return reply.status(204).send(null);
    },
  );
}
