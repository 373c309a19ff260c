import type { TCreateAgentRequest, TUpdateAgentRequest } from "@minichat/contracts";
import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { newId, randomToken } from "../../platform/ids.ts";
import { assertCanAddAgent } from "./agent-limit.ts";
import { type AgentRow, findAgent, insertAgent, updateAgentRow } from "./agents.repo.ts";
import { assertCanUseOrigins } from "./site-limit.ts";

export const newPublicKey = () => `pk_${randomToken(24)}`;

/** Builtin has exactly one model; other providers take any model id the provider serves. */
function normaliseModel(provider: string, model: string | undefined): string {
  if (provider === "builtin") return "builtin";
  if (!model) throw new AppError("VALIDATION_FAILED", `Choose a model for ${provider}`, { field: "model" });
  return model;
}

export async function createAgent(
  deps: { db: Db; config: Config },
  input: { workspaceId: string; userId: string | null; body: TCreateAgentRequest },
): Promise<AgentRow> {
  const b = input.body;
  await assertCanAddAgent(deps.db, deps.config, input.workspaceId);
  await assertCanUseOrigins(deps.db, deps.config, input.workspaceId, b.allowedOrigins);
  const provider = b.provider ?? deps.config.defaultModel.provider;
  const model = normaliseModel(provider, b.provider ? b.model : (b.model ?? deps.config.defaultModel.model));
  return insertAgent(deps.db, {
    id: newId("agt"),
    workspaceId: input.workspaceId,
    name: b.name,
    instructions: b.instructions,
    provider,
    model,
    temperature: b.temperature,
    maxTokens: b.maxTokens,
    fallbackProvider: b.fallback?.provider ?? null,
    fallbackModel: b.fallback ? normaliseModel(b.fallback.provider, b.fallback.model) : null,
    welcomeMessage: b.welcomeMessage,
    suggestedQuestions: b.suggestedQuestions,
    quickAnswers: b.quickAnswers,
    language: b.language,
    unknownAnswerBehaviour: b.unknownAnswerBehaviour,
    publicKey: newPublicKey(),
    status: b.status,
    widget: b.widget,
    allowedOrigins: [...new Set(b.allowedOrigins)],
    createdBy: input.userId,
  });
}

export async function updateAgent(
  deps: { db: Db; config: Pick<Config, "defaultPlanId" | "billing"> },
  input: { workspaceId: string; agentId: string; body: TUpdateAgentRequest },
): Promise<AgentRow> {
  const { db } = deps;
  const current = await findAgent(db, input.workspaceId, input.agentId);
  if (!current) throw notFound("Agent");
  const { fallback, rotatePublicKey, provider, model, widget, allowedOrigins, ...rest } = input.body;
  const set: Partial<AgentRow> = { ...rest };
  // Widget settings are edited a few at a time (appearance, then proactive...): keys merge.
  if (widget !== undefined) set.widget = { ...current.widget, ...widget };
  if (allowedOrigins !== undefined) {
    await assertCanUseOrigins(db, deps.config, input.workspaceId, allowedOrigins, input.agentId);
    set.allowedOrigins = [...new Set(allowedOrigins)];
  }
  if (provider !== undefined || model !== undefined) {
    const p = provider ?? current.provider;
    // Switching provider without naming a model keeps nothing meaningful: ask for one.
    const m = model ?? (provider === undefined || provider === current.provider ? current.model : undefined);
    set.provider = p;
    set.model = normaliseModel(p, m);
  }
  if (fallback !== undefined) {
    set.fallbackProvider = fallback?.provider ?? null;
    set.fallbackModel = fallback ? normaliseModel(fallback.provider, fallback.model) : null;
  }
  if (rotatePublicKey) set.publicKey = newPublicKey();
  const row = await updateAgentRow(db, input.workspaceId, input.agentId, set);
  if (!row) throw notFound("Agent");
  return row;
}
