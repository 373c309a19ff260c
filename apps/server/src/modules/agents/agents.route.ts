import {
  ZAction,
  ZActionList,
  ZActionParams,
  ZAgent,
  ZAgentList,
  ZAgentParams,
  ZCreateActionRequest,
  ZCreateAgentRequest,
  ZErrorResponse,
  ZIdentitySecret,
  ZUpdateActionRequest,
  ZUpdateAgentRequest,
  ZWorkspaceIdParams,
} from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { deleteActionRow, deleteAgentRow, findActions, findAgent, findAgents } from "./agents.repo.ts";
import { rotateIdentitySecret } from "./identity-secret.ts";
import { createAction, updateAction } from "./save-action.ts";
import { createAgent, updateAgent } from "./save-agent.ts";
import { toAction, toAgent } from "./to-agent.ts";

const errors = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
  422: ZErrorResponse,
};

export function registerAgentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["Agents"];

  /** A model that cannot be reached is refused when saved, not discovered by a visitor. */
  async function assertModelsUsable(
    workspaceId: string,
    targets: Array<{ provider: string; model: string } | null>,
  ) {
    for (const t of targets) {
      if (t && t.provider !== "builtin") await ctx.models.resolve(workspaceId, t.provider, t.model);
    }
  }

  r.post(
    "/api/v1/workspaces/:workspaceId/agents",
    {
      schema: {
        tags,
        summary: "Create an agent",
        params: ZWorkspaceIdParams,
        body: ZCreateAgentRequest,
        response: { 201: ZAgent, ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["create"] },
        scope: "agents:write",
      });
      const b = req.body;
      await assertModelsUsable(access.workspaceId, [
        b.provider ? { provider: b.provider, model: b.model ?? "" } : null,
        b.fallback,
      ]);
      const row = await createAgent(ctx, { workspaceId: access.workspaceId, userId: access.userId, body: b });
      await ctx.audit({
        action: "agent.created",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "agent",
        targetId: row.id,
        ip: req.ip,
        metadata: { name: row.name, provider: row.provider, model: row.model },
      });
      return reply.status(201).send(toAgent(row));
    },
  );

  r.get(
    "/api/v1/workspaces/:workspaceId/agents",
    {
      schema: {
        tags,
        summary: "List agents",
        params: ZWorkspaceIdParams,
        response: { 200: ZAgentList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["read"] },
        scope: "agents:read",
      });
      return { agents: (await findAgents(ctx.db, access.workspaceId)).map(toAgent) };
    },
  );

  r.get(
    "/api/v1/workspaces/:workspaceId/agents/:agentId",
    { schema: { tags, summary: "Get an agent", params: ZAgentParams, response: { 200: ZAgent, ...errors } } },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["read"] },
        scope: "agents:read",
      });
      const row = await findAgent(ctx.db, access.workspaceId, req.params.agentId);
      if (!row) throw notFound("Agent");
      return toAgent(row);
    },
  );

  r.patch(
    "/api/v1/workspaces/:workspaceId/agents/:agentId",
    {
      schema: {
        tags,
        summary: "Change an agent (any subset of fields); rotatePublicKey issues a new widget key",
        params: ZAgentParams,
        body: ZUpdateAgentRequest,
        response: { 200: ZAgent, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["update"] },
        scope: "agents:write",
      });
      const b = req.body;
      if (b.provider !== undefined || b.model !== undefined || b.fallback) {
        const current = await findAgent(ctx.db, access.workspaceId, req.params.agentId);
        if (!current) throw notFound("Agent");
        await assertModelsUsable(access.workspaceId, [
          b.provider !== undefined || b.model !== undefined
            ? { provider: b.provider ?? current.provider, model: b.model ?? current.model }
            : null,
          b.fallback ?? null,
        ]);
      }
      const row = await updateAgent(ctx, {
        workspaceId: access.workspaceId,
        agentId: req.params.agentId,
        body: b,
      });
      await ctx.audit({
        action: b.rotatePublicKey ? "agent.public_key_rotated" : "agent.updated",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "agent",
        targetId: row.id,
        ip: req.ip,
        metadata: { fields: Object.keys(b) },
      });
      return toAgent(row);
    },
  );

  r.delete(
    "/api/v1/workspaces/:workspaceId/agents/:agentId",
    {
      schema: {
        tags,
        summary: "Delete an agent with its actions and conversations",
        params: ZAgentParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["delete"] },
        scope: "agents:write",
      });
      const row = await deleteAgentRow(ctx.db, access.workspaceId, req.params.agentId);
      if (!row) throw notFound("Agent");
      await ctx.audit({
        action: "agent.deleted",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "agent",
        targetId: row.id,
        ip: req.ip,
        metadata: { name: row.name },
      });
      return reply.status(204).send(null);
    },
  );

  r.post(
    "/api/v1/workspaces/:workspaceId/agents/:agentId/identity-secret",
    {
      schema: {
        tags,
        summary:
          "Create (or replace) the agent's identity-verification secret. It is returned now and never again; the agent shows only identitySecretSet.",
        params: ZAgentParams,
        response: { 201: ZIdentitySecret, ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["update"] },
        scope: "agents:write",
      });
      const { secret, agent } = await rotateIdentitySecret(ctx, {
        workspaceId: access.workspaceId,
        agentId: req.params.agentId,
      });
      await ctx.audit({
        action: "agent.identity_secret_rotated",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "agent",
        targetId: agent.id,
        ip: req.ip,
      });
      return reply.status(201).send({ secret });
    },
  );

  // ── Custom HTTP actions ───────────────────────────────────────────────────────────────────
  const actionTags = ["Agent actions"];

  r.get(
    "/api/v1/workspaces/:workspaceId/agents/:agentId/actions",
    {
      schema: {
        tags: actionTags,
        summary: "List the agent's custom HTTP actions",
        params: ZAgentParams,
        response: { 200: ZActionList, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["read"] },
        scope: "agents:read",
      });
      if (!(await findAgent(ctx.db, access.workspaceId, req.params.agentId))) throw notFound("Agent");
      return { actions: (await findActions(ctx.db, access.workspaceId, req.params.agentId)).map(toAction) };
    },
  );

  r.post(
    "/api/v1/workspaces/:workspaceId/agents/:agentId/actions",
    {
      schema: {
        tags: actionTags,
        summary:
          "Add a custom HTTP action the model may call. The URL may not point at private or internal addresses unless the operator allows the host (ALLOW_PRIVATE_URLS).",
        params: ZAgentParams,
        body: ZCreateActionRequest,
        response: { 201: ZAction, ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["update"] },
        scope: "agents:write",
      });
      const row = await createAction(ctx, {
        workspaceId: access.workspaceId,
        agentId: req.params.agentId,
        body: req.body,
      }).catch((err: unknown) => {
        throw uniqueName(err);
      });
      await ctx.audit({
        action: "action.created",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "agent_action",
        targetId: row.id,
        ip: req.ip,
        metadata: { agentId: row.agentId, name: row.name, url: row.url },
      });
      return reply.status(201).send(toAction(row));
    },
  );

  r.patch(
    "/api/v1/workspaces/:workspaceId/agents/:agentId/actions/:actionId",
    {
      schema: {
        tags: actionTags,
        summary: "Change a custom action (headers, when sent, replace all stored headers)",
        params: ZActionParams,
        body: ZUpdateActionRequest,
        response: { 200: ZAction, ...errors },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["update"] },
        scope: "agents:write",
      });
      const row = await updateAction(ctx, {
        workspaceId: access.workspaceId,
        agentId: req.params.agentId,
        actionId: req.params.actionId,
        body: req.body,
      }).catch((err: unknown) => {
        throw uniqueName(err);
      });
      await ctx.audit({
        action: "action.updated",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "agent_action",
        targetId: row.id,
        ip: req.ip,
        metadata: { fields: Object.keys(req.body) },
      });
      return toAction(row);
    },
  );

  r.delete(
    "/api/v1/workspaces/:workspaceId/agents/:agentId/actions/:actionId",
    {
      schema: {
        tags: actionTags,
        summary: "Delete a custom action",
        params: ZActionParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { agent: ["update"] },
        scope: "agents:write",
      });
      if (!(await deleteActionRow(ctx.db, access.workspaceId, req.params.agentId, req.params.actionId))) {
        throw notFound("Action");
      }
      await ctx.audit({
        action: "action.deleted",
        workspaceId: access.workspaceId,
        actorUserId: access.userId,
        targetType: "agent_action",
        targetId: req.params.actionId,
        ip: req.ip,
      });
      return reply.status(204).send(null);
    },
  );
}

/** Two actions of one agent cannot share a tool name: the model could not tell them apart. */
function uniqueName(err: unknown): unknown {
  const e = err as { code?: string; cause?: { code?: string } };
  if (e.code === "23505" || e.cause?.code === "23505") {
    return new AppError("CONFLICT", "This agent already has an action with that name", { field: "name" });
  }
  return err;
}
