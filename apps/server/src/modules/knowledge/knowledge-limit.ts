import { eq, sql } from "drizzle-orm";
import { knowledgeSources } from "../../db/schema/index.ts";
import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { assertPlanAllows } from "../billing/entitlements.ts";

/**
 * The one place that decides whether a workspace may add this much knowledge, checked before
 * any work starts: the platform-wide KNOWLEDGE_MAX_BYTES_PER_WORKSPACE and the workspace's plan;
 * the lower of the two wins.
 */
export async function assertKnowledgeRoom(db: Db, config: Config, workspaceId: string, addBytes: number) {
  const [row] = await db
    .select({ used: sql<number>`coalesce(sum(${knowledgeSources.sizeBytes}), 0)::bigint` })
    .from(knowledgeSources)
    .where(eq(knowledgeSources.workspaceId, workspaceId));
  const used = Number(row?.used ?? 0);
  const max = config.knowledgeMaxBytesPerWorkspace;
  if (used + addBytes > max) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    throw new AppError(
      "LIMIT_REACHED",
      `This source (${mb(addBytes)}) would take the workspace's knowledge past its limit of ${mb(max)} (${mb(used)} used)`,
      { limit: "knowledge_bytes", max, used, adding: addBytes },
    );
  }
  await assertPlanAllows(db, config, workspaceId, "knowledge_bytes", used, addBytes);
}
