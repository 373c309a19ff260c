import type { TVisitorTurnResult } from "@minichat/contracts";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { deliverTurn } from "../conversations/respond-turn.ts";
import { startTurn, type TurnResult } from "../conversations/run-turn.ts";
import type { Visitor } from "./visitor-access.ts";

/** The visitor's view of a turn: the answer and its sources; no model, usage or cost. */
function toVisitorTurn(r: TurnResult): TVisitorTurnResult {
  return {
    conversationId: r.conversationId,
    status: r.status as TVisitorTurnResult["status"],
    visitorMessageId: r.visitorMessageId,
    message: r.message
      ? {
          id: r.message.id,
          content: r.message.content,
          citations: r.message.citations.map((c) => ({ index: c.index, title: c.title, url: c.url })),
        }
      : null,
  };
}

/**
 * One visitor message through the shared conversation engine, answered as JSON or streamed as
 * SSE with the test chat's events (token, citation, tool, done, error). Bad input is refused
 * before the stream opens, so it gets a normal 4xx.
 */
export async function answerVisitor(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  visitor: Visitor,
  content: string,
) {
  const turn = await startTurn(ctx.engine, {
    workspaceId: visitor.workspaceId,
    conversationId: visitor.conversation.id,
    content,
    agentId: visitor.agent.id,
    channel: "widget",
  });
  return deliverTurn(ctx, req, reply, turn, {
    result: toVisitorTurn,
    citation: (c) => ({ index: c.index, title: c.title, url: c.url }),
  });
}
