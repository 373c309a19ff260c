import { z } from "zod";

export const ZOutboxQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  to: z.email().optional(),
});
export const ZOutboxEmail = z
  .object({
    id: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    template: z.string(),
    locale: z.string(),
    transport: z.string(),
    status: z.string(),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "OutboxEmail" });
export const ZOutboxList = z.object({ emails: z.array(ZOutboxEmail) });

export const ZAuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().meta({ description: "nextCursor from the previous page" }),
});
export const ZAuditEntry = z
  .object({
    id: z.string(),
    action: z.string(),
    actorUserId: z.string().nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "AuditEntry" });
export const ZAuditList = z.object({
  entries: z.array(ZAuditEntry),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: "Pass as ?cursor= for older entries; null at the end" }),
});
