import { randomBytes } from "node:crypto";
import type { KeyRing } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { notFound } from "../../platform/errors.ts";
import { type AgentRow, updateAgentRow } from "./agents.repo.ts";

// Identity verification: the host site signs its signed-in user's id with this secret
// (hex HMAC-SHA256), so a visitor cannot claim to be someone else. The secret is sealed at rest,
// bound to its agent, and shown to the owner only once, when it is created.

export const identitySecretContext = (agentId: string) => `agent-identity-secret:${agentId}`;

/** Issues a new secret (the old one stops verifying at once) and returns it in clear, once. */
export async function rotateIdentitySecret(
  deps: { db: Db; keyRing: KeyRing },
  input: { workspaceId: string; agentId: string },
): Promise<{ secret: string; agent: AgentRow }> {
  const secret = `ids_${randomBytes(32).toString("base64url")}`;
  const agent = await updateAgentRow(deps.db, input.workspaceId, input.agentId, {
    identitySecret: deps.keyRing.seal(secret, identitySecretContext(input.agentId)),
  });
  if (!agent) throw notFound("Agent");
  return { secret, agent };
}

/** The agent's secret in clear, or null when identity verification is off. */
export function openIdentitySecret(keyRing: KeyRing, agent: AgentRow): string | null {
  return agent.identitySecret ? keyRing.open(agent.identitySecret, identitySecretContext(agent.id)) : null;
}
