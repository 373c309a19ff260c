import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { assertPlanAllows } from "../billing/entitlements.ts";
import { countAgents } from "./agents.repo.ts";

/**
 * The one place that decides whether a workspace may add an agent: the platform-wide
 * MAX_AGENTS_PER_WORKSPACE and the workspace's plan; the lower of the two wins.
 */
export async function assertCanAddAgent(db: Db, config: Config, workspaceId: string): Promise<void> {
  const n = await countAgents(db, workspaceId);
  if (n >= config.maxAgentsPerWorkspace) {
    throw new AppError(
      "LIMIT_REACHED",
      `This workspace already has ${n} agents, the most allowed (${config.maxAgentsPerWorkspace})`,
      { limit: "agents", max: config.maxAgentsPerWorkspace, used: n },
    );
  }
  await assertPlanAllows(db, config, workspaceId, "agents", n);
}
