import type { TVisitorTurnResult } from "@minichat/contracts";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { runTurn, startTurn, type TurnResult } from "../conversations/run-turn.ts";
import { openSse, wantsSse } from "../conversations/sse.ts";
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
  if (!wantsSse(req)) {
    const abort = new AbortController();
    reply.raw.on("close", () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    return toVisitorTurn(await runTurn(ctx.engine, { ...turn, signal: abort.signal }));
  }
  const sse = openSse(req, reply);
  try {
    const result = await runTurn(ctx.engine, {
      ...turn,
      signal: sse.signal,
      onEvent: (e) => {
        if (e.type === "token") sse.send("token", { text: e.text });
        else if (e.type === "citation")
          sse.send("citation", { index: e.citation.index, title: e.citation.title, url: e.citation.url });
        else sse.send("tool", { name: e.name, status: e.status });
      },
    });
    sse.send("done", toVisitorTurn(result));
  } catch (err) {
    const known = err instanceof AppError;
    if (!known) req.log.error({ err }, "widget turn failed");
    sse.send("error", {
      code: known ? err.code : "INTERNAL",
      message: known ? err.message : "Something went wrong; the answer could not be completed",
      requestId: req.id,
    });
  } finally {
    sse.end();
  }
  return reply;
}
