import type { FastifyReply, FastifyRequest } from "fastify";
import type { MessageCitation } from "../../db/schema/index.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { runTurn, type StartedTurn, startTurn, type TurnResult } from "./run-turn.ts";
import { openSse, wantsSse } from "./sse.ts";
import { toTurnResult } from "./to-message.ts";

/**
 * Runs a turn and answers it as JSON or as server-sent events (`token`, `citation`, `tool`,
 * `done`, `error`). Bad input is refused before the stream opens, so it gets a normal 4xx.
 */
export async function respondTurn(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  input: {
    workspaceId: string;
    conversationId: string;
    content: string;
    stream?: boolean;
    agentId?: string;
    channel?: string;
    /** Include what retrieval found (the test chat shows it). */
    showRetrieved?: boolean;
  },
) {
  const shape = { retrieved: input.showRetrieved === true };
  // Stores the visitor's message, or refuses with a 4xx — before any stream opens.
  const { showRetrieved: _, stream: __, ...where } = input;
  const turn = await startTurn(ctx.engine, where);
  return deliverTurn(ctx, req, reply, turn, {
    stream: input.stream,
    result: (r) => toTurnResult(r, shape),
    citation: (c) => c,
  });
}

/**
 * Runs a started turn and sends it as JSON or as SSE, in the shape the caller's audience may
 * see (`result`, `citation`): the same delivery for the test chat, the public API and the widget.
 */
export async function deliverTurn<R>(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  turn: StartedTurn,
  view: {
    stream?: boolean | undefined;
    result: (r: TurnResult) => R;
    citation: (c: MessageCitation) => unknown;
  },
) {
  if (!wantsSse(req, view.stream)) {
    const abort = new AbortController();
    reply.raw.on("close", () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    return view.result(await runTurn(ctx.engine, { ...turn, signal: abort.signal }));
  }
  const sse = openSse(req, reply);
  try {
    const result = await runTurn(ctx.engine, {
      ...turn,
      signal: sse.signal,
      onEvent: (e) => {
        if (e.type === "token") sse.send("token", { text: e.text });
        else if (e.type === "citation") sse.send("citation", view.citation(e.citation));
        else sse.send("tool", { name: e.name, status: e.status });
      },
    });
    sse.send("done", view.result(result));
  } catch (err) {
    const known = err instanceof AppError;
    if (!known) req.log.error({ err }, "turn failed");
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
