import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Security-relevant actions. workspace_id is null for account-level events (sign-in, 2FA). */
export const auditLog = pgTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id"),
    actorUserId: text("actor_user_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    // Millisecond precision: the paging cursor carries JS dates, which have no microseconds.
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_log_workspace_idx").on(t.workspaceId, t.createdAt, t.id),
    index("audit_log_actor_idx").on(t.actorUserId, t.createdAt),
  ],
);
