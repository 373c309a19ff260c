import type { TMessage } from "@minichat/contracts";
import type { MessageRow } from "./conversations.repo.ts";
import type { TurnResult } from "./run-turn.ts";

export function toMessage(m: MessageRow): TMessage {
  return {
    id: m.id,
    conversationId: m.conversationId,
    role: m.role as TMessage["role"],
    content: m.content,
    status: m.status as TMessage["status"],
    citations: m.citations,
    toolCalls: m.toolCalls,
    provider: m.provider,
    model: m.model,
    inputTokens: m.inputTokens,
    outputTokens: m.outputTokens,
    costUsd: m.costUsd,
    latencyMs: m.latencyMs,
    error: m.errorCode ? { code: m.errorCode, message: m.errorMessage ?? "" } : null,
    createdAt: m.createdAt.toISOString(),
  };
}

/** The public shape of a turn (JSON body, or the SSE `done` event). */
export function toTurnResult(r: TurnResult, opts: { retrieved?: boolean } = {}) {
  return {
    ...(opts.retrieved ? { retrieved: r.retrieved } : {}),
    conversationId: r.conversationId,
    status: r.status as "ai" | "waiting_human" | "human" | "resolved",
    message: r.message,
    usage: r.usage,
    error: r.error,
  };
}
