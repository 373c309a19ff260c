import type { Db } from "../../platform/db/client.ts";
import { notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { findNote, insertNote, lockLead, type NoteRow, touchLead } from "./leads.repo.ts";
import type { Actor, LeadDeps } from "./update-lead-status.ts";

export async function addLeadNote(
  deps: LeadDeps,
  input: { workspaceId: string; leadId: string; body: string; actor: Actor },
): Promise<NoteRow> {
  const id = newId("lnt");
  const at = deps.clock.now();
  const lead = await deps.db.transaction(async (tx) => {
    // Locked so a note cannot be added to a lead that a concurrent contact deletion is removing.
    const row = await lockLead(tx as unknown as Db, input.workspaceId, input.leadId);
    if (!row) throw notFound("Lead");
    await insertNote(tx as unknown as Db, {
      id,
      workspaceId: input.workspaceId,
      leadId: row.id,
      authorId: input.actor.userId,
      body: input.body,
      createdAt: at,
    });
    await touchLead(tx as unknown as Db, input.workspaceId, row.id, at);
    return row;
  });
  deps.events.emit({
    type: "lead.updated",
    workspaceId: input.workspaceId,
    leadId: lead.id,
    contactId: lead.contactId,
    status: lead.status,
    change: "note",
  });
  return (await findNote(deps.db, input.workspaceId, lead.id, id))!;
}
