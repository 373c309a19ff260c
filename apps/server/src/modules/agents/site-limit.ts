import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { assertPlanAllows } from "../billing/entitlements.ts";
import { findWorkspaceOrigins } from "./agents.repo.ts";

/**
 * The one place that decides whether an agent may declare these widget origins: a site is a
 * distinct origin across all agents of the workspace, counted against the plan's "sites"
 * limit. Only growth is checked, so a workspace over its limit (after a downgrade) can still
 * remove or swap origins.
 */
export async function assertCanUseOrigins(
  db: Db,
  config: Pick<Config, "defaultPlanId" | "billing">,
  workspaceId: string,
  origins: string[],
  agentId?: string,
): Promise<void> {
  if (origins.length === 0) return;
  const [all, others] = await Promise.all([
    findWorkspaceOrigins(db, workspaceId),
    agentId ? findWorkspaceOrigins(db, workspaceId, agentId) : undefined,
  ]);
  const after = new Set([...(others ?? all), ...origins]).size;
  const adding = after - all.length;
  if (adding > 0) await assertPlanAllows(db, config, workspaceId, "sites", all.length, adding);
}
