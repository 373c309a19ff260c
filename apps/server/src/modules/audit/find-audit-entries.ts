import { and, desc, eq, lt } from "drizzle-orm";
import { auditLog } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

export type AuditRow = typeof auditLog.$inferSelect;

export async function findAuditEntries(
  db: Db,
  filter: { workspaceId?: string; actorUserId?: string; before?: Date; limit: number },
): Promise<AuditRow[]> {
  const conds = [];
  if (filter.workspaceId) conds.push(eq(auditLog.workspaceId, filter.workspaceId));
  if (filter.actorUserId) conds.push(eq(auditLog.actorUserId, filter.actorUserId));
  if (filter.before) conds.push(lt(auditLog.createdAt, filter.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...conds))
    .orderBy(desc(auditLog.createdAt))
    .limit(filter.limit);
}
