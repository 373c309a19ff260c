import { ZAgentParams, ZErrorResponse, ZTestChatRequest, ZTestChatResult } from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { findAgent } from "../agents/agents.repo.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { openConversation } from "./open-conversation.ts";
import { respondTurn } from "./respond-turn.ts";
import { validateMessage } from "./run-turn.ts";

export function registerChatRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/api/v1/workspaces/:workspaceId/agents/:agentId/chat",
    {
      schema: {
        tags: ["Agents"],
        summary:
          "Test chat with an agent (draft or live), as a signed-in member. JSON by default; with `Accept: text/event-stream` the answer streams as SSE events token, citation, tool, done (and error).",
        params: ZAgentParams,
        body: ZTestChatRequest,
        response: {
          200: ZTestChatResult,
          400: ZErrorResponse,
          401: ZErrorResponse,
          403: ZErrorResponse,
          404: ZErrorResponse,
        },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["test"] },
      });
      const agent = await findAgent(ctx.db, access.workspaceId, req.params.agentId);
      if (!agent) throw notFound("Agent");
      // Before a conversation is created: a refused first message must leave nothing behind.
      validateMessage(req.body.message, ctx.config.maxMessageChars);
      // A test conversation continues only with its own agent; a new one starts otherwise.
      const conversationId =
        req.body.conversationId ??
        (
          await openConversation(ctx, {
            id: newId("cnv"),
            workspaceId: access.workspaceId,
            agentId: agent.id,
            channel: "test",
            createdBy: access.userId,
          })
        ).id;
      return respondTurn(ctx, req, reply, {
        workspaceId: access.workspaceId,
        conversationId,
        content: req.body.message,
        agentId: agent.id,
        channel: "test",
        showRetrieved: true,
      });
    },
  );
}
