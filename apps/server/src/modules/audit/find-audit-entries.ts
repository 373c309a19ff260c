import { and, desc, eq, sql } from "drizzle-orm";
import { auditLog } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

export type AuditRow = typeof auditLog.$inferSelect;

/** Position after which the next page starts: newest first, ties broken by id. */
export type AuditCursor = { createdAt: Date; id: string };

export function encodeAuditCursor(row: AuditRow): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeAuditCursor(cursor: string): AuditCursor | undefined {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  return id && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : undefined;
}

export async function findAuditEntries(
  db: Db,
  filter: { workspaceId?: string; actorUserId?: string; after?: AuditCursor; limit: number },
): Promise<AuditRow[]> {
  const conds = [];
  if (filter.workspaceId) conds.push(eq(auditLog.workspaceId, filter.workspaceId));
  if (filter.actorUserId) conds.push(eq(auditLog.actorUserId, filter.actorUserId));
  if (filter.after) {
    conds.push(
      sql`(${auditLog.createdAt}, ${auditLog.id}) < (${filter.after.createdAt.toISOString()}::timestamptz, ${filter.after.id})`,
    );
  }
  return db
    .select()
    .from(auditLog)
    .where(and(...conds))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(filter.limit);
}
