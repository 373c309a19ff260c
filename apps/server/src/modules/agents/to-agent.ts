import type { TAgent, TProviderId } from "@minichat/contracts";
import { modelLabel } from "../providers/catalogue.ts";
import type { ActionRow, AgentRow } from "./agents.repo.ts";

export function toAgent(a: AgentRow): TAgent {
  return {
    id: a.id,
    workspaceId: a.workspaceId,
    name: a.name,
    instructions: a.instructions,
    provider: a.provider as TProviderId,
    model: a.model,
    modelLabel: modelLabel(a.provider, a.model),
    temperature: a.temperature,
    maxTokens: a.maxTokens,
    fallback:
      a.fallbackProvider && a.fallbackModel
        ? { provider: a.fallbackProvider as TProviderId, model: a.fallbackModel }
        : null,
    welcomeMessage: a.welcomeMessage,
    suggestedQuestions: a.suggestedQuestions,
    quickAnswers: a.quickAnswers,
    language: a.language as TAgent["language"],
    unknownAnswerBehaviour: a.unknownAnswerBehaviour as TAgent["unknownAnswerBehaviour"],
    publicKey: a.publicKey,
    status: a.status as TAgent["status"],
    widget: a.widget,
    allowedOrigins: a.allowedOrigins,
    identitySecretSet: a.identitySecret !== null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export function toAction(a: ActionRow) {
  return {
    id: a.id,
    agentId: a.agentId,
    name: a.name,
    description: a.description,
    parameters: a.parameters,
    method: a.method,
    url: a.url,
    headerNames: a.headerNames,
    timeoutMs: a.timeoutMs,
    enabled: a.enabled,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}
