import {
  ZAssignRequest,
  ZErrorResponse,
  ZInboxConversation,
  ZInboxConversationParams,
  ZInboxList,
  ZInboxListQuery,
  ZInboxMessage,
  ZOperatorMessageRequest,
  ZTranscript,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { toMessage } from "../conversations/to-message.ts";
import { assignConversation, type ConversationAction, changeConversation } from "./change-conversation.ts";
import { findInboxConversation, findTranscriptMessages, listInbox, markRead } from "./inbox.repo.ts";
import { postStaffMessage } from "./post-staff-message.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
};
const read = { permission: { conversation: ["read" as const] } };
const reply = { permission: { conversation: ["reply" as const] } };

/** The live inbox for signed-in members: list, transcript, takeover, replies, notes, assignment. */
export function registerInboxRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Inbox"];
  const base = "/api/v1/workspaces/:workspaceId/inbox/conversations";

  r.get(
    base,
    {
      schema: {
        tags,
        summary: "Conversations across channels, newest activity first, with filters",
        params: ZWorkspaceIdParams,
        querystring: ZInboxListQuery,
        response: { 200: ZInboxList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, read);
      const page = await listInbox(ctx.database, access.workspaceId, access.userId, req.query);
      if (!page) throw new AppError("VALIDATION_FAILED", "The cursor is not valid", { field: "cursor" });
      return page;
    },
  );

  r.get(
    `${base}/:conversationId`,
    {
      schema: {
        tags,
        summary: "A transcript with citations, notes and visitor details; marks it read",
        params: ZInboxConversationParams,
        response: { 200: ZTranscript, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, read);
      const conversation = await findInboxConversation(
        ctx.database,
        access.workspaceId,
        req.params.conversationId,
      );
      if (!conversation) throw notFound("Conversation");
      const rows = await findTranscriptMessages(ctx.db, access.workspaceId, conversation.id);
      if (conversation.unreadCount > 0) {
        await markRead(ctx.db, access.workspaceId, conversation.id);
        conversation.unreadCount = 0;
      }
      return {
        conversation,
        messages: rows.map(({ m, authorName }) => ({
          ...toMessage(m),
          authorId: m.authorId,
          authorName,
          feedback: m.feedback,
        })),
      };
    },
  );

  const actions: [ConversationAction, string][] = [
    ["takeover", "Take over: you hold the conversation and the AI stops answering"],
    ["handback", "Hand back to the AI"],
    ["resolve", "Resolve"],
    ["reopen", "Reopen a resolved conversation"],
  ];
  for (const [action, summary] of actions) {
    r.post(
      `${base}/:conversationId/${action}`,
      {
        schema: {
          tags,
          summary,
          params: ZInboxConversationParams,
          response: { 200: ZInboxConversation, ...errors },
        },
      },
      async (req) => {
        const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, reply);
        return changeConversation(ctx, access.workspaceId, req.params.conversationId, action, access.userId!);
      },
    );
  }

  r.post(
    `${base}/:conversationId/assign`,
    {
      schema: {
        tags,
        summary: "Assign to a member who may reply (null: unassign)",
        params: ZInboxConversationParams,
        body: ZAssignRequest,
        response: { 200: ZInboxConversation, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, reply);
      return assignConversation(ctx, access.workspaceId, req.params.conversationId, req.body.userId);
    },
  );

  for (const [path, role, summary] of [
    ["messages", "operator", "Reply as an operator (takes the conversation over); `/shortcut` expands"],
    ["notes", "note", "Add an internal note (never shown to the visitor or the AI)"],
  ] as const) {
    r.post(
      `${base}/:conversationId/${path}`,
      {
        schema: {
          tags,
          summary,
          params: ZInboxConversationParams,
          body: ZOperatorMessageRequest,
          response: { 201: ZInboxMessage, ...errors },
        },
      },
      async (req, res) => {
        const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, reply);
        if (access.principal.kind !== "user") throw new AppError("FORBIDDEN", "Sign in to reply");
        const { row, authorName } = await postStaffMessage(ctx, {
          workspaceId: access.workspaceId,
          conversationId: req.params.conversationId,
          role,
          content: req.body.content,
          author: { id: access.principal.user.id, name: access.principal.user.name },
        });
        return res
          .status(201)
          .send({ ...toMessage(row), authorId: row.authorId, authorName, feedback: row.feedback });
      },
    );
  }
}
