import type { TApiKeyScope } from "@minichat/contracts";
import {
  ZConversation,
  ZConversationParams,
  ZCreateConversationRequest,
  ZErrorResponse,
  ZMessageList,
  ZMessageListQuery,
  ZSendMessageRequest,
  ZTurnResult,
} from "@minichat/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { findAgent } from "../agents/agents.repo.ts";
import { getPrincipal } from "../auth/authenticate.ts";
import { type ConversationRow, findConversation, findMessagesPage } from "./conversations.repo.ts";
import { openConversation } from "./open-conversation.ts";
import { respondTurn } from "./respond-turn.ts";
import { toMessage } from "./to-message.ts";

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };

/** The public API is for API keys: the key decides the workspace. */
export async function requireApiKey(
  ctx: AppContext,
  req: FastifyRequest,
  scope: TApiKeyScope,
): Promise<string> {
  const p = await getPrincipal(req, ctx.authn);
  if (!p) throw new AppError("UNAUTHENTICATED", "Send a workspace API key: Authorization: Bearer mck_...");
  if (p.kind !== "apiKey") {
    throw new AppError("FORBIDDEN", "This endpoint takes a workspace API key, not a session");
  }
  if (!p.scopes.includes(scope)) throw new AppError("FORBIDDEN", `This API key lacks the "${scope}" scope`);
  return p.workspaceId;
}

export const toConversation = (c: ConversationRow) => ({
  id: c.id,
  agentId: c.agentId,
  channel: c.channel as "api",
  status: c.status as "ai",
  metadata: c.metadata,
  contactId: c.contactId,
  lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
});

export function registerConversationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Conversations (public API)"];

  r.post(
    "/api/v1/conversations",
    {
      schema: {
        tags,
        summary: "Start a conversation with an agent (API key with conversations:write)",
        body: ZCreateConversationRequest,
        response: { 201: ZConversation, ...errors },
      },
    },
    async (req, reply) => {
      const workspaceId = await requireApiKey(ctx, req, "conversations:write");
      const agent = await findAgent(ctx.db, workspaceId, req.body.agentId);
      if (!agent) throw notFound("Agent");
      const row = await openConversation(ctx, {
        id: newId("cnv"),
        workspaceId,
        agentId: agent.id,
        channel: "api",
        metadata: req.body.metadata,
      });
      return reply.status(201).send(toConversation(row));
    },
  );

  r.get(
    "/api/v1/conversations/:conversationId",
    {
      schema: {
        tags,
        summary: "Get a conversation (API key with conversations:read)",
        params: ZConversationParams,
        response: { 200: ZConversation, ...errors },
      },
    },
    async (req) => {
      const workspaceId = await requireApiKey(ctx, req, "conversations:read");
      const row = await findConversation(ctx.db, workspaceId, req.params.conversationId);
      if (!row) throw notFound("Conversation");
      return toConversation(row);
    },
  );

  r.post(
    "/api/v1/conversations/:conversationId/messages",
    {
      schema: {
        tags,
        summary:
          "Send the visitor's message and get the agent's answer: JSON, or server-sent events with `stream: true` / `Accept: text/event-stream` (events token, citation, tool, done, error)",
        params: ZConversationParams,
        body: ZSendMessageRequest,
        response: { 200: ZTurnResult, ...errors },
      },
    },
    async (req, reply) => {
      const workspaceId = await requireApiKey(ctx, req, "conversations:write");
      return respondTurn(ctx, req, reply, {
        workspaceId,
        conversationId: req.params.conversationId,
        content: req.body.content,
        stream: req.body.stream,
      });
    },
  );

  r.get(
    "/api/v1/conversations/:conversationId/messages",
    {
      schema: {
        tags,
        summary: "Messages of a conversation, oldest first (API key with conversations:read)",
        params: ZConversationParams,
        querystring: ZMessageListQuery,
        response: { 200: ZMessageList, ...errors },
      },
    },
    async (req) => {
      const workspaceId = await requireApiKey(ctx, req, "conversations:read");
      if (!(await findConversation(ctx.db, workspaceId, req.params.conversationId)))
        throw notFound("Conversation");
      const rows = await findMessagesPage(
        ctx.db,
        workspaceId,
        req.params.conversationId,
        req.query.limit + 1,
        req.query.cursor ?? null,
      );
      const page = rows.slice(0, req.query.limit);
      return {
        messages: page.map(toMessage),
        nextCursor: rows.length > req.query.limit ? page.at(-1)!.id : null,
      };
    },
  );
}
