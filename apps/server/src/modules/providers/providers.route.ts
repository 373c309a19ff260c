import {
  ZDeleteModelPriceQuery,
  ZErrorResponse,
  ZModelPriceList,
  ZProviderCatalogue,
  ZProviderEntry,
  ZProviderParams,
  ZSaveProviderRequest,
  ZSetModelPriceRequest,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { notFound } from "../../platform/errors.ts";
import { requirePlatformAdmin, requireWorkspace } from "../auth/authenticate.ts";
import { deleteCredential } from "./credentials.repo.ts";
import { saveCredential } from "./save-credential.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  422: ZErrorResponse,
};

export function registerProviderRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Providers"];

  r.get(
    "/api/v1/workspaces/:workspaceId/providers",
    {
      schema: {
        tags,
        summary:
          "Provider catalogue: which providers are configured (platform or workspace) and their models",
        params: ZWorkspaceIdParams,
        response: { 200: ZProviderCatalogue, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { provider: ["read"] },
        scope: "agents:read",
      });
      return { providers: await ctx.models.catalogue(access.workspaceId) };
    },
  );

  r.put(
    "/api/v1/workspaces/:workspaceId/providers/:provider",
    {
      schema: {
        tags,
        summary:
          "Save the workspace's own key / base URL for a provider. The credentials are tested with a cheap call first; the key is stored encrypted and never returned.",
        params: ZProviderParams,
        body: ZSaveProviderRequest,
        response: { 200: ZProviderEntry, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { provider: ["update"] },
      });
      const row = await saveCredential(ctx, {
        workspaceId: access.workspaceId,
        provider: req.params.provider,
        userId: access.userId,
        body: req.body,
      });
      await ctx.audit({
        action: "provider.saved",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "provider",
        targetId: row.id,
        ip: req.ip,
        metadata: { provider: row.provider, baseUrl: row.baseUrl, keyHint: row.keyHint },
      });
      const entry = (await ctx.models.catalogue(access.workspaceId)).find(
        (p) => p.id === req.params.provider,
      );
      return entry!;
    },
  );

  r.delete(
    "/api/v1/workspaces/:workspaceId/providers/:provider",
    {
      schema: {
        tags,
        summary:
          "Remove the workspace's own credentials for a provider (the platform's, if any, apply again)",
        params: ZProviderParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { provider: ["update"] },
      });
      if (!(await deleteCredential(ctx.db, access.workspaceId, req.params.provider))) {
        throw notFound("Provider credentials");
      }
      await ctx.audit({
        action: "provider.deleted",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "provider",
        targetId: req.params.provider,
        ip: req.ip,
      });
      return reply.status(204).send(null);
    },
  );

  // ── Price table (platform admin) ──────────────────────────────────────────────────────────
  const adminTags = ["Admin"];
  r.get(
    "/api/v1/admin/model-prices",
    {
      schema: {
        tags: adminTags,
        summary: "Model price table used for cost estimates (shipped defaults and custom prices)",
        response: { 200: ZModelPriceList, ...errors },
      },
    },
    async (req) => {
      await requirePlatformAdmin(req, ctx.authn);
      return { prices: await ctx.prices.list() };
    },
  );

  r.put(
    "/api/v1/admin/model-prices",
    {
      schema: {
        tags: adminTags,
        summary: "Set the price of a model (USD per million input / output tokens)",
        body: ZSetModelPriceRequest,
        response: { 200: ZModelPriceList, ...errors },
      },
    },
    async (req) => {
      const admin = await requirePlatformAdmin(req, ctx.authn);
      await ctx.prices.set({ ...req.body, updatedBy: admin.user.id });
      await ctx.audit({
        action: "model_price.set",
        workspaceId: null,
        actorUserId: admin.user.id,
        targetType: "model_price",
        targetId: `${req.body.provider}:${req.body.model}`,
        ip: req.ip,
        metadata: req.body,
      });
      return { prices: await ctx.prices.list() };
    },
  );

  r.delete(
    "/api/v1/admin/model-prices",
    {
      schema: {
        tags: adminTags,
        summary: "Remove a custom price (the shipped default, if any, applies again)",
        querystring: ZDeleteModelPriceQuery,
        response: { 200: ZModelPriceList, ...errors },
      },
    },
    async (req) => {
      const admin = await requirePlatformAdmin(req, ctx.authn);
      if (!(await ctx.prices.reset(req.query.provider, req.query.model))) throw notFound("Custom price");
      await ctx.audit({
        action: "model_price.reset",
        workspaceId: null,
        actorUserId: admin.user.id,
        targetType: "model_price",
        targetId: `${req.query.provider}:${req.query.model}`,
        ip: req.ip,
      });
      return { prices: await ctx.prices.list() };
    },
  );
}
