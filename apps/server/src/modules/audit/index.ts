export { type AuditRow, findAuditEntries } from "./find-audit-entries.ts";
export { type Audit, type AuditAction, type AuditEntry, createAudit } from "./record-audit.ts";
