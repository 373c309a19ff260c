import { randomUUID } from "node:crypto";
import cookie from "@fastify/cookie";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import { z } from "zod";
import { registerAdminRoutes } from "./modules/admin/admin.route.ts";
import { registerAdminBillingRoutes } from "./modules/admin/admin-billing.route.ts";
import { registerAgentRoutes } from "./modules/agents/agents.route.ts";
import { registerApiKeyRoutes } from "./modules/api-keys/api-keys.route.ts";
import { createApiKeyCache } from "./modules/api-keys/index.ts";
import { createAudit } from "./modules/audit/index.ts";
import { registerAuthRoutes } from "./modules/auth/auth.route.ts";
import { getPrincipal } from "./modules/auth/authenticate.ts";
import { createAuth } from "./modules/auth/create-auth.ts";
import { registerBillingRoutes } from "./modules/billing/billing.route.ts";
import { type BillingProviders, createBillingProviders } from "./modules/billing/billing-providers.ts";
import { registerCheckoutRoutes } from "./modules/billing/checkout.route.ts";
import { createMeter } from "./modules/billing/meter.ts";
import { registerWebhookRoutes } from "./modules/billing/webhook.route.ts";
import { createModelCaller } from "./modules/conversations/call-model.ts";
import { registerChatRoutes } from "./modules/conversations/chat.route.ts";
import { registerConversationRoutes } from "./modules/conversations/conversations.route.ts";
import { registerOpenAiRoutes } from "./modules/conversations/openai.route.ts";
import { createKnowledgeRetriever, type Retriever } from "./modules/conversations/retrieval.ts";
import { registerUsageRoutes } from "./modules/conversations/usage.route.ts";
import { registerDashboardRoutes } from "./modules/dashboard/dashboard.route.ts";
import { createMailer, type Mailer } from "./modules/email/index.ts";
import { registerEmailPreferenceRoutes } from "./modules/email/preferences.route.ts";
import { registerHealthRoutes } from "./modules/health/health.route.ts";
import { registerCannedResponseRoutes } from "./modules/inbox/canned.route.ts";
import { registerInboxRoutes } from "./modules/inbox/inbox.route.ts";
import { registerHandoffRouting } from "./modules/inbox/route-handoff.ts";
import { registerKnowledgeRoutes } from "./modules/knowledge/knowledge.route.ts";
import { registerKnowledgeSettingsRoutes } from "./modules/knowledge/knowledge-settings.route.ts";
import { createKnowledgeVectors } from "./modules/knowledge/knowledge-vectors.ts";
import { registerLeadsAndContactsRoutes } from "./modules/leads/index.ts";
import { registerPageRoutes } from "./modules/pages/pages.route.ts";
import { createModelResolver } from "./modules/providers/model-resolver.ts";
import { createPriceBook } from "./modules/providers/prices.ts";
import { registerProviderRoutes } from "./modules/providers/providers.route.ts";
import { attachRealtime, type Realtime } from "./modules/realtime/realtime.ts";
import { registerWidget } from "./modules/widget/index.ts";
import { registerInvitationRoutes } from "./modules/workspaces/invitations.route.ts";
import { registerMemberRoutes } from "./modules/workspaces/members.route.ts";
import { registerWorkspaceRoutes } from "./modules/workspaces/workspaces.route.ts";
import type { Config } from "./platform/config.ts";
import type { AppContext } from "./platform/context.ts";
import { memoryCounter, redisCounter } from "./platform/counters.ts";
import { createKeyRing } from "./platform/crypto.ts";
import type { Database } from "./platform/db/client.ts";
import { registerErrorHandler } from "./platform/error-handler.ts";
import { createEventBus, type EventBus } from "./platform/events.ts";
import type { Jobs } from "./platform/jobs.ts";
import { loggerOptions } from "./platform/logger.ts";
import { createOutboundFetch } from "./platform/outbound.ts";
import { type Clock, systemClock } from "./platform/types.ts";

export type AppDeps = {
  config: Config;
  database: Database;
  /** Shared by rate limits and counters across nodes; in-memory stores without it. */
  redis?: Redis | undefined;
  jobs?: Jobs | undefined;
  mailer?: Mailer | undefined;
  /** Payment providers; by default those configured (tests point them at local servers). */
  billingProviders?: BillingProviders | undefined;
  clock?: Clock | undefined;
  /** A ready pino logger (the CLI shares one between startup and requests). */
  loggerInstance?: FastifyBaseLogger | undefined;
  /** Or logger options (tests pass false). */
  logger?: FastifyServerOptions["logger"];
  /** Knowledge retrieval for conversation turns (default: quick answers + the knowledge base). */
  retriever?: Retriever | undefined;
  events?: EventBus | undefined;
  /** Delay before the first retry of a failed model call (tests shorten it). */
  llmRetryDelayMs?: number | undefined;
  /** The built dashboard (default apps/dashboard/dist); placeholder pages when it is missing. */
  dashboardDir?: string | undefined;
};

declare module "fastify" {
  interface FastifyInstance {
    ctx: AppContext;
    lifecycle: { shuttingDown: boolean };
    realtime: Realtime;
  }
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const app = Fastify({
    ...(deps.loggerInstance
      ? { loggerInstance: deps.loggerInstance }
      : { logger: deps.logger ?? loggerOptions(config.logLevel) }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    forceCloseConnections: "idle",
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  const clock = deps.clock ?? systemClock;
  const audit = createAudit(database.db, app.log);
  const ownMailer = !deps.mailer;
  const mailer =
    deps.mailer ??
    createMailer({
      db: database.db,
      smtpUrl: config.smtpUrl,
      from: config.emailFrom,
      config,
      logger: app.log,
      jobs: deps.jobs,
    });
  const auth = createAuth({ db: database.db, config, mailer, audit, logger: app.log });
  const allowedOrigins = [...new Set([new URL(config.baseUrl).origin, ...config.corsOrigins])];
  const keyRing = createKeyRing(config.secretKey, config.previousSecretKeys);
  const events =
    deps.events ??
    createEventBus((err, event) => app.log.error({ err, event: event.type }, "event listener failed"));
  const outboundPolicy = { allowPrivate: config.allowPrivateUrls };
  const outboundFetch = createOutboundFetch(outboundPolicy);
  const prices = createPriceBook(database.db);
  const models = createModelResolver({ db: database.db, config, keyRing, prices, outboundFetch });
  const vectors = createKnowledgeVectors({
    database,
    config,
    keyRing,
    outboundFetch,
    logger: app.log,
    jobs: deps.jobs,
    retryInitialDelayMs: deps.llmRetryDelayMs,
  });
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    auth,
    authn: { db: database.db, auth, clock, allowedOrigins, apiKeyCache: createApiKeyCache() },
    mailer,
    audit,
    clock,
    jobs: deps.jobs,
    loginFailures: deps.redis
      ? redisCounter(deps.redis, `${config.redisKeyPrefix}login-fail`, config.loginFailures.windowSeconds)
      : memoryCounter(config.loginFailures.windowSeconds),
    keyRing,
    events,
    outboundFetch,
    outboundPolicy,
    prices,
    models,
    vectors,
    billing: {
      db: database.db,
      config,
      mailer,
      events,
      clock,
      logger: app.log,
      providers: deps.billingProviders ?? createBillingProviders(config, app.log),
    },
    engine: {
      db: database.db,
      database,
      config,
      clock,
      keyRing,
      events,
      outboundFetch,
      prices,
      logger: app.log,
      retriever: deps.retriever ?? createKnowledgeRetriever({ db: database.db, vectors }),
      caller: createModelCaller({ models, config, retryInitialDelayMs: deps.llmRetryDelayMs }),
      meter: createMeter({ database, db: database.db, config, mailer, events, clock, logger: app.log }),
    },
  };
  app.decorate("ctx", ctx);
  app.decorate("lifecycle", { shuttingDown: false });
  if (ownMailer) app.addHook("onClose", async () => mailer.close());

  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });

  // Security headers everywhere; the CSP is added to HTML responses only (JSON needs none).
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: false,
    hsts: config.baseUrl.startsWith("https://"),
  });
  app.addHook("onSend", async (_req, reply, payload) => {
    const type = String(reply.getHeader("content-type") ?? "");
    if (type.startsWith("text/html") && !reply.hasHeader("content-security-policy")) {
      reply.header(
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
          "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
    }
    return payload;
  });

  await app.register(cors, {
    credentials: true,
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    exposedHeaders: [
      "set-auth-token",
      "x-request-id",
      "ratelimit-limit",
      "ratelimit-remaining",
      "ratelimit-reset",
      "retry-after",
      "x-minichat-conversation-id",
    ],
    origin: (origin, cb) => cb(null, origin === undefined || allowedOrigins.includes(origin)),
  });
  await app.register(cookie);
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowSeconds * 1000,
    enableDraftSpec: true,
    ...(deps.redis ? { redis: deps.redis, nameSpace: `${config.redisKeyPrefix}rl:` } : {}),
    // A client whose session or key is known (verified, not merely presented: a made-up bearer
    // token must not buy a fresh allowance) is limited on that, everyone else per IP. The
    // principal is cached per request, so the route's own authentication reuses this lookup.
    keyGenerator: async (req) => {
      if (req.headers.authorization || req.headers.cookie) {
        const who = await getPrincipal(req, ctx.authn).catch(() => null);
        if (who?.kind === "user") return `usr:${who.user.id}`;
        if (who?.kind === "apiKey") return `key:${who.keyId}`;
      }
      return `ip:${req.ip}`;
    },
    errorResponseBuilder: (_req, c) =>
      Object.assign(new Error(`Too many requests; retry in ${Math.ceil(c.ttl / 1000)} seconds`), {
        statusCode: 429,
      }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "MiniChat API",
        version: "1.0.0",
        description:
          "Product routes live under /api/v1. Authenticate with a session (cookie or `Authorization: Bearer <session token>` from sign-in) or a workspace API key (`Authorization: Bearer mck_...`). Account routes (sign-up, sign-in, sessions, two-factor) are served by Better Auth under /api/auth.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: transformWithBodyContent,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", staticCSP: true });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  registerHealthRoutes(app, ctx, app.lifecycle);
  registerAuthRoutes(app, ctx);
  registerWorkspaceRoutes(app, ctx);
  registerMemberRoutes(app, ctx);
  registerInvitationRoutes(app, ctx);
  registerApiKeyRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerAdminBillingRoutes(app, ctx);
  registerBillingRoutes(app, ctx);
  registerCheckoutRoutes(app, ctx);
  // Webhooks read their raw body (signatures are over the exact bytes): their own scope.
  await app.register(async (scope) => registerWebhookRoutes(scope, ctx));
  registerAgentRoutes(app, ctx);
  registerProviderRoutes(app, ctx);
  registerChatRoutes(app, ctx);
  registerConversationRoutes(app, ctx);
  registerOpenAiRoutes(app, ctx);
  registerUsageRoutes(app, ctx);
  registerInboxRoutes(app, ctx);
  registerCannedResponseRoutes(app, ctx);
  // Multipart is parsed only where uploads are taken (knowledge files); elsewhere it stays a 415.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: config.knowledgeMaxFileBytes, files: 1, fields: 5 },
    });
    registerKnowledgeRoutes(scope, ctx);
  });
  registerKnowledgeSettingsRoutes(app, ctx);
  registerLeadsAndContactsRoutes(app, ctx);
  await registerEmailPreferenceRoutes(app, ctx);
  // Public visitor API + widget files: CORS for host pages, bearer visitor tokens, no cookies.
  await registerWidget(app, ctx);
  if (!registerDashboardRoutes(app, deps.dashboardDir)) registerPageRoutes(app, ctx);

  const realtime = attachRealtime(app, ctx, deps.redis);
  app.decorate("realtime", realtime);
  registerHandoffRouting(ctx, realtime);
  await app.ready();
  return app;
}

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
/**
 * fastify-type-provider-zod documents a body given per content type (JSON or multipart upload)
 * only for responses; for a body it is converted here, one JSON Schema per content type.
 */
function transformWithBodyContent(input: TransformInput) {
  const body = (input.schema as { body?: { content?: Record<string, { schema: z.ZodType }> } }).body;
  if (!body?.content) return jsonSchemaTransform(input);
  const out = jsonSchemaTransform({ ...input, schema: { ...input.schema, body: undefined } });
  const content = Object.fromEntries(
    Object.entries(body.content).map(([type, { schema }]) => [
      type,
      { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) },
    ]),
  );
  return { ...out, schema: { ...out.schema, body: { content } } };
}
