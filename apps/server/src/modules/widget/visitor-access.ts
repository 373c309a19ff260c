import type { FastifyRequest } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import type { AgentRow } from "../agents/agents.repo.ts";
import type { ConversationRow } from "../conversations/conversations.repo.ts";
import {
  bearerVisitorToken,
  hashVisitorToken,
  VISITOR_TOKEN_REFRESH_MS,
  VISITOR_TOKEN_TTL_MS,
} from "./visitor-token.ts";
import { extendVisitorToken, findAgentByPublicKey, findConversationByTokenHash } from "./widget.repo.ts";

/**
 * An agent that lists allowed origins answers only pages on them. Browsers always send Origin
 * on the widget's cross-origin requests; a request without one is not from an allowed page.
 */
export function assertOriginAllowed(req: FastifyRequest, agent: AgentRow): void {
  const origin = req.headers.origin?.toLowerCase();
  if (!originAllowed(agent.allowedOrigins, origin)) {
    throw new AppError("ORIGIN_NOT_ALLOWED", "This website is not allowed to use this agent's widget", {
      origin: origin ?? null,
    });
  }
}

/** The rule itself, for requests and for the visitor's socket handshake alike. */
export function originAllowed(allowedOrigins: string[], origin: string | undefined): boolean {
  if (!allowedOrigins.length) return true;
  return !!origin && allowedOrigins.includes(origin.toLowerCase());
}

/** The live agent behind a public key. Unknown, rotated or draft: 404, the widget stays hidden. */
export async function requireWidgetAgent(
  ctx: AppContext,
  req: FastifyRequest,
  publicKey: string,
): Promise<AgentRow> {
  const agent = await findAgentByPublicKey(ctx.db, publicKey);
  if (agent?.status !== "live") throw notFound("Widget");
  assertOriginAllowed(req, agent);
  return agent;
}

export type Visitor = { conversation: ConversationRow; agent: AgentRow; workspaceId: string };

/**
 * The visitor of `conversationId`, from the bearer token. No, a forged or an expired token:
 * 401. A valid token of another conversation: 404, as if the conversation did not exist.
 */
export async function requireVisitor(
  ctx: AppContext,
  req: FastifyRequest,
  conversationId: string,
): Promise<Visitor> {
  const token = bearerVisitorToken(req.headers.authorization);
  if (!token) throw new AppError("UNAUTHENTICATED", "A visitor token is required (Authorization: Bearer …)");
  const found = await findConversationByTokenHash(ctx.db, hashVisitorToken(token));
  const now = ctx.clock.now();
  const expiresAt = found?.conversation.visitorTokenExpiresAt;
  if (!found || !expiresAt || expiresAt <= now) {
    throw new AppError(
      "UNAUTHENTICATED",
      "The visitor token is invalid or has expired; start a new conversation",
    );
  }
  const { conversation, agent } = found;
  if (conversation.id !== conversationId || agent.status !== "live") throw notFound("Conversation");
  assertOriginAllowed(req, agent);
  if (expiresAt.getTime() - now.getTime() < VISITOR_TOKEN_TTL_MS - VISITOR_TOKEN_REFRESH_MS) {
    await extendVisitorToken(
      ctx.db,
      conversation.workspaceId,
      conversation.id,
      new Date(now.getTime() + VISITOR_TOKEN_TTL_MS),
    );
  }
  return { conversation, agent, workspaceId: conversation.workspaceId };
}
