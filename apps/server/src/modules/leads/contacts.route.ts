import {
  ZContactDetail,
  ZContactList,
  ZContactListQuery,
  ZContactParams,
  ZErrorResponse,
  ZUpdateContactRequest,
  ZUpdatedContact,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { findContacts, getContact } from "./find-contacts.ts";
import { updateContact } from "./update-contact.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
};
const read = { permission: { contact: ["read" as const] }, scope: "leads:read" as const };
const write = { permission: { contact: ["update" as const] }, scope: "leads:write" as const };

export function registerContactRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Contacts"];
  const base = "/api/v1/workspaces/:workspaceId/contacts";

  r.get(
    base,
    {
      schema: {
        tags,
        summary:
          "The workspace's contacts (people who left details), newest first; q searches name, email and phone (viewers and above; API key with leads:read)",
        params: ZWorkspaceIdParams,
        querystring: ZContactListQuery,
        response: { 200: ZContactList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, read);
      return findContacts(ctx.db, access.workspaceId, req.query);
    },
  );

  r.get(
    `${base}/:contactId`,
    {
      schema: {
        tags,
        summary: "A contact with its leads and the ids of its conversations",
        params: ZContactParams,
        response: { 200: ZContactDetail, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, read);
      return getContact(ctx.db, access.workspaceId, req.params.contactId);
    },
  );

  r.patch(
    `${base}/:contactId`,
    {
      schema: {
        tags,
        summary:
          "Change a contact's name, email or phone (null clears one). An email another contact already has merges the two: that contact keeps its id and receives this one's leads and conversations (operators and above; API key with leads:write)",
        params: ZContactParams,
        body: ZUpdateContactRequest,
        response: { 200: ZUpdatedContact, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, write);
      const result = await updateContact(
        { db: ctx.db, audit: ctx.audit, events: ctx.events },
        {
          workspaceId: access.workspaceId,
          contactId: req.params.contactId,
          body: req.body,
          actor: { userId: access.userId, ip: req.ip },
        },
      );
      return {
        ...(await getContact(ctx.db, access.workspaceId, result.contactId)),
        mergedContactId: result.mergedContactId,
      };
    },
  );
}
