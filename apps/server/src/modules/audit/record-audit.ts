import { auditLog } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/types.ts";

export type AuditAction =
  | "auth.sign_up"
  | "auth.sign_in"
  | "auth.sign_in_failed"
  | "auth.sign_in_locked"
  | "auth.two_factor_pending"
  | "auth.two_factor_enabled"
  | "auth.two_factor_disabled"
  | "auth.two_factor_failed"
  | "auth.password_reset"
  | "auth.password_changed"
  | "auth.session_revoked"
  | "workspace.created"
  | "member.role_changed"
  | "member.removed"
  | "member.joined"
  | "invitation.created"
  | "invitation.canceled"
  | "api_key.created"
  | "api_key.revoked"
  | "admin.created"
  | "agent.created"
  | "agent.updated"
  | "agent.deleted"
  | "agent.public_key_rotated"
  | "agent.identity_secret_rotated"
  | "action.created"
  | "action.updated"
  | "action.deleted"
  | "provider.saved"
  | "provider.deleted"
  | "model_price.set"
  | "model_price.reset"
  | "plan.updated"
  | "plan.assigned"
  | "quota.extended"
  | "billing.checkout_started"
  | "billing.plan_change_requested"
  | "lead.status_changed"
  | "lead.note_deleted"
  | "contact.updated"
  | "contact.merged";

export type AuditEntry = {
  action: AuditAction;
  workspaceId?: string | null;
  actorUserId?: string | null;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  userAgent?: string | null;
  metadata?: Record<string, unknown>;
};

export type Audit = (entry: AuditEntry) => Promise<void>;

/** Audit writes never fail the action they describe; a failed write is logged loudly instead. */
export function createAudit(db: Db, logger: Logger): Audit {
  return async (entry) => {
    try {
      await db.insert(auditLog).values({
        id: newId("aud"),
        action: entry.action,
        workspaceId: entry.workspaceId ?? null,
        actorUserId: entry.actorUserId ?? null,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        ip: entry.ip ?? null,
        userAgent: entry.userAgent?.slice(0, 400) ?? null,
        metadata: entry.metadata ?? null,
      });
    } catch (err) {
      logger.error({ err, action: entry.action }, "could not write audit log entry");
    }
  };
}
