import type { TLeadStatus } from "@minichat/contracts";
import type { Db } from "../../platform/db/client.ts";
import { notFound } from "../../platform/errors.ts";
import type { EventBus } from "../../platform/events.ts";
import type { Clock } from "../../platform/types.ts";
import type { Audit } from "../audit/index.ts";
import { lockLead, setLeadStatus } from "./leads.repo.ts";

export type LeadDeps = { db: Db; audit: Audit; events: EventBus; clock: Clock };
export type Actor = { userId: string | null; ip?: string | null | undefined };

/**
 * Moves a lead to any status of the pipeline. Setting the status it already has changes
 * nothing (no audit entry, no event), so a retried request is harmless.
 */
export async function updateLeadStatus(
  deps: LeadDeps,
  input: { workspaceId: string; leadId: string; status: TLeadStatus; actor: Actor },
): Promise<void> {
  const at = deps.clock.now();
  const change = await deps.db.transaction(async (tx) => {
    const lead = await lockLead(tx as unknown as Db, input.workspaceId, input.leadId);
    if (!lead) throw notFound("Lead");
    if (lead.status === input.status) return null;
    await setLeadStatus(tx as unknown as Db, input.workspaceId, lead.id, input.status, at);
    return { from: lead.status, contactId: lead.contactId };
  });
  if (!change) return;
  await deps.audit({
    action: "lead.status_changed",
    workspaceId: input.workspaceId,
    actorUserId: input.actor.userId,
    targetType: "lead",
    targetId: input.leadId,
    ip: input.actor.ip ?? null,
    metadata: { from: change.from, to: input.status },
  });
  deps.events.emit({
    type: "lead.updated",
    workspaceId: input.workspaceId,
    leadId: input.leadId,
    contactId: change.contactId,
    status: input.status,
    change: "status",
  });
}
