import {
  ZErrorResponse,
  ZStartVisitorConversationRequest,
  ZVisitorContactRequest,
  ZVisitorConversationParams,
  ZVisitorFeedbackRequest,
  ZVisitorHandoffRequest,
  ZVisitorMessageList,
  ZVisitorMessageListQuery,
  ZVisitorMessageParams,
  ZVisitorRatingRequest,
  ZVisitorSendMessageRequest,
  ZVisitorSession,
  ZVisitorStatus,
  ZVisitorTurnResult,
  ZWidgetConfig,
  ZWidgetPublicKeyParams,
} from "@minichat/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { validateMessage } from "../conversations/run-turn.ts";
import { answerVisitor } from "./answer-visitor.ts";
import { requestVisitorHandoff } from "./request-visitor-handoff.ts";
import { countryFromHeaders, startVisitorConversation } from "./start-visitor-conversation.ts";
import { submitContact } from "./submit-contact.ts";
import { toVisitorMessage, toWidgetConfig } from "./to-widget-config.ts";
import { requireVisitor, requireWidgetAgent } from "./visitor-access.ts";
import { bearerVisitorToken, hashVisitorToken } from "./visitor-token.ts";
import { findVisitorMessages, setAnswerFeedback, setRating } from "./widget.repo.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  429: ZErrorResponse,
};
const ZOk = z.object({ ok: z.literal(true) });
const MESSAGES_PER_READ = 500;

// The host page's origin is answered (CORS), whatever the dashboard's CORS settings: the
// per-agent allow-list is checked by each route instead, and answered 403 when it says no.
// No credentials: visitors authenticate with a bearer token, never a cookie.
const cors = { origin: true, credentials: false };
// Routes without their own limit count per IP (the global key generator would first try the
// visitor's bearer token as a session, a wasted database lookup).
const perIp = { keyGenerator: (req: FastifyRequest) => `ip:${req.ip}` };

export function registerWidgetRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Widget (visitors)"];
  const config = { cors, rateLimit: perIp };
  const { perVisitor, perIp: ipMax } = ctx.config.widgetRateLimit;

  // Preflights of the host page (the global OPTIONS route answers only the dashboard's origin).
  r.options("/api/v1/widget/*", { schema: { hide: true }, config: { cors } }, async (_req, reply) =>
    reply.status(204).send(),
  );

  r.get(
    "/api/v1/widget/:publicKey/config",
    {
      config,
      schema: {
        tags,
        security: [],
        summary:
          "The widget's appearance and greetings for a live agent (404 for unknown, rotated or draft keys)",
        params: ZWidgetPublicKeyParams,
        response: { 200: ZWidgetConfig, ...errors },
      },
    },
    async (req, reply) => {
      const agent = await requireWidgetAgent(ctx, req, req.params.publicKey);
      reply.header("cache-control", "public, max-age=60");
      return toWidgetConfig(agent);
    },
  );

  r.post(
    "/api/v1/widget/:publicKey/conversations",
    {
      config,
      schema: {
        tags,
        security: [],
        summary:
          "Start a visitor conversation. Returns the visitor token (once). userId + userHash (hex HMAC-SHA256 of userId with the agent's identity secret) mark a verified user; unsigned ids are ignored.",
        params: ZWidgetPublicKeyParams,
        body: ZStartVisitorConversationRequest.default({}),
        response: { 201: ZVisitorSession, ...errors },
      },
    },
    async (req, reply) => {
      const agent = await requireWidgetAgent(ctx, req, req.params.publicKey);
      const session = await startVisitorConversation(ctx, agent, req.body, {
        userAgent: req.headers["user-agent"],
        country: countryFromHeaders(req.headers),
        origin: req.headers.origin,
      });
      return reply.status(201).send(session);
    },
  );

  // Message floods are limited per visitor token and, for many tokens from one place, per IP.
  const perIpMessages = app.createRateLimit({
    max: ipMax,
    timeWindow: 60_000,
    keyGenerator: (req) => `widget-ip:${req.ip}`,
  });
  r.post(
    "/api/v1/widget/conversations/:conversationId/messages",
    {
      config: {
        cors,
        rateLimit: {
          max: perVisitor,
          timeWindow: 60_000,
          keyGenerator: (req: FastifyRequest) => {
            const token = bearerVisitorToken(req.headers.authorization);
            return token ? `widget-visitor:${hashVisitorToken(token)}` : `widget-anon:${req.ip}`;
          },
        },
      },
      onRequest: async (req) => {
        const limit = await perIpMessages(req);
        if (!limit.isAllowed && limit.isExceeded) {
          throw new AppError(
            "RATE_LIMITED",
            `Too many messages from this network; retry in ${limit.ttlInSeconds} seconds`,
            undefined,
            { "retry-after": String(limit.ttlInSeconds) },
          );
        }
      },
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary:
          "Send the visitor's message (Bearer visitor token). JSON by default; with `Accept: text/event-stream` the answer streams as SSE events token, citation, tool, done (and error). While a person handles the conversation the message is stored and the AI stays quiet (message: null).",
        params: ZVisitorConversationParams,
        body: ZVisitorSendMessageRequest,
        response: { 200: ZVisitorTurnResult, ...errors },
      },
    },
    async (req, reply) => {
      const visitor = await requireVisitor(ctx, req, req.params.conversationId);
      validateMessage(req.body.content, ctx.config.maxMessageChars);
      return answerVisitor(ctx, req, reply, visitor, req.body.content);
    },
  );

  r.get(
    "/api/v1/widget/conversations/:conversationId/messages",
    {
      config,
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary:
          "The conversation as the visitor sees it (their messages, the agent's and operators' answers; never internal notes), with its status",
        params: ZVisitorConversationParams,
        querystring: ZVisitorMessageListQuery,
        response: { 200: ZVisitorMessageList, ...errors },
      },
    },
    async (req) => {
      const { conversation, workspaceId } = await requireVisitor(ctx, req, req.params.conversationId);
      const rows = await findVisitorMessages(
        ctx.db,
        workspaceId,
        conversation.id,
        req.query.after,
        MESSAGES_PER_READ,
      );
      return {
        messages: rows.map(toVisitorMessage),
        status: conversation.status as z.infer<typeof ZVisitorStatus>["status"],
        rating: conversation.rating,
        hasContact: conversation.contactId !== null,
      };
    },
  );

  r.post(
    "/api/v1/widget/conversations/:conversationId/messages/:messageId/feedback",
    {
      config,
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "Thumbs up (1) or down (-1) on one of the agent's answers",
        params: ZVisitorMessageParams,
        body: ZVisitorFeedbackRequest,
        response: { 200: ZOk, ...errors },
      },
    },
    async (req) => {
      const { workspaceId } = await requireVisitor(ctx, req, req.params.conversationId);
      const done = await setAnswerFeedback(
        ctx.db,
        { workspaceId, conversationId: req.params.conversationId, messageId: req.params.messageId },
        req.body.value,
      );
      if (!done) throw notFound("Answer");
      return { ok: true as const };
    },
  );

  r.post(
    "/api/v1/widget/conversations/:conversationId/rating",
    {
      config,
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "End-of-chat rating, 1..5, with an optional comment (a new rating replaces the last)",
        params: ZVisitorConversationParams,
        body: ZVisitorRatingRequest,
        response: { 200: ZOk, ...errors },
      },
    },
    async (req) => {
      const { workspaceId, conversation } = await requireVisitor(ctx, req, req.params.conversationId);
      await setRating(ctx.db, workspaceId, conversation.id, req.body.rating, req.body.comment || null);
      return { ok: true as const };
    },
  );

  r.post(
    "/api/v1/widget/conversations/:conversationId/contact",
    {
      config,
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary:
          "The visitor's contact details (email or phone required): a contact merged by email and a lead for the team",
        params: ZVisitorConversationParams,
        body: ZVisitorContactRequest,
        response: { 200: ZOk, ...errors },
      },
    },
    async (req) => {
      const visitor = await requireVisitor(ctx, req, req.params.conversationId);
      await submitContact(ctx, visitor, req.body);
      return { ok: true as const };
    },
  );

  r.post(
    "/api/v1/widget/conversations/:conversationId/handoff",
    {
      config,
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "Ask for a person: the conversation waits for an operator and the team is notified",
        params: ZVisitorConversationParams,
        body: ZVisitorHandoffRequest.default({}),
        response: { 200: ZVisitorStatus, ...errors },
      },
    },
    async (req) => {
      const visitor = await requireVisitor(ctx, req, req.params.conversationId);
      const status = await requestVisitorHandoff(ctx, visitor, req.body.reason);
      return { status: status as z.infer<typeof ZVisitorStatus>["status"] };
    },
  );
}
