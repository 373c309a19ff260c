import {
  ZErrorResponse,
  ZKnowledgeSettings,
  ZUpdateKnowledgeSettingsRequest,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { getKnowledgeSettings, updateKnowledgeSettings } from "./knowledge-settings.ts";

const errors = { 400: ZErrorResponse, 401: ZErrorResponse, 403: ZErrorResponse, 404: ZErrorResponse };
const path = "/api/v1/workspaces/:workspaceId/knowledge/settings";

export function registerKnowledgeSettingsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Knowledge"];

  r.get(
    path,
    {
      schema: {
        tags,
        summary:
          "The workspace's semantic search: which embedding model is used, and how many passages are embedded with it",
        params: ZWorkspaceIdParams,
        response: { 200: ZKnowledgeSettings, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["read"] },
        scope: "knowledge:read",
      });
      return getKnowledgeSettings(ctx.vectors, access.workspaceId);
    },
  );

  r.put(
    path,
    {
      schema: {
        tags,
        summary:
          "Choose the workspace's embedding model (or null for the platform's). It is tried first (422 if it cannot be used); then every passage is re-embedded in the background while search keeps working",
        params: ZWorkspaceIdParams,
        body: ZUpdateKnowledgeSettingsRequest,
        response: { 200: ZKnowledgeSettings, ...errors, 422: ZErrorResponse },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { provider: ["update"] },
        scope: "knowledge:write",
      });
      return updateKnowledgeSettings(ctx.vectors, access.workspaceId, req.body);
    },
  );
}
