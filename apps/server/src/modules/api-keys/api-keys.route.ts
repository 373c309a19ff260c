import {
  type TApiKeyScope,
  ZApiKey,
  ZApiKeyList,
  ZApiKeyParams,
  ZCreateApiKeyRequest,
  ZCreatedApiKey,
  ZErrorResponse,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import type { ApiKeyRow } from "./api-keys.repo.ts";
import { createApiKey, findApiKeys, revokeApiKey } from "./index.ts";

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toApiKey = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes as TApiKeyScope[],
  createdAt: k.createdAt.toISOString(),
  expiresAt: iso(k.expiresAt),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

export function registerApiKeyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["API keys"];

  r.post(
    "/api/v1/workspaces/:workspaceId/api-keys",
    {
      schema: {
        tags,
        summary: "Create an API key (owner or admin). The key is returned once.",
        params: ZWorkspaceIdParams,
        body: ZCreateApiKeyRequest,
        response: { 201: ZCreatedApiKey, ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { apiKey: ["create"] },
      });
      const { row, key } = await createApiKey(ctx.db, {
        workspaceId: access.workspaceId,
        name: req.body.name,
        scopes: req.body.scopes,
        ...(req.body.expiresInDays ? { expiresInDays: req.body.expiresInDays } : {}),
        createdBy: access.userId,
        now: ctx.clock.now(),
      });
      await ctx.audit({
        action: "api_key.created",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "api_key",
        targetId: row.id,
        ip: req.ip,
        metadata: { name: row.name, prefix: row.prefix, scopes: row.scopes },
      });
      reply.header("cache-control", "no-store");
      return reply.status(201).send({ ...toApiKey(row), key });
    },
  );

  r.get(
    "/api/v1/workspaces/:workspaceId/api-keys",
    {
      schema: {
        tags,
        summary: "List API keys (never the keys themselves)",
        params: ZWorkspaceIdParams,
        response: { 200: ZApiKeyList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { apiKey: ["read"] },
      });
      return { apiKeys: (await findApiKeys(ctx.db, access.workspaceId)).map(toApiKey) };
    },
  );

  r.delete(
    "/api/v1/workspaces/:workspaceId/api-keys/:keyId",
    {
      schema: {
        tags,
        summary: "Revoke an API key; it stops working immediately",
        params: ZApiKeyParams,
        response: { 200: ZApiKey, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { apiKey: ["revoke"] },
      });
      const row = await revokeApiKey(ctx.db, access.workspaceId, req.params.keyId, ctx.clock.now());
      ctx.authn.apiKeyCache?.forget(row.id);
      await ctx.audit({
        action: "api_key.revoked",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "api_key",
        targetId: row.id,
        ip: req.ip,
        metadata: { prefix: row.prefix },
      });
      return toApiKey(row);
    },
  );
}
