export {
  type AuditCursor,
  type AuditRow,
  decodeAuditCursor,
  encodeAuditCursor,
  findAuditEntries,
} from "./find-audit-entries.ts";
export { type Audit, type AuditAction, type AuditEntry, createAudit } from "./record-audit.ts";
