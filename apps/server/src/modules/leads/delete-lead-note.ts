import type { Db } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { can, type Role } from "../workspaces/roles.ts";
import { deleteNoteRow, findLead, findNote, touchLead } from "./leads.repo.ts";
import type { Actor, LeadDeps } from "./update-lead-status.ts";

/**
 * A note may be deleted by its author, or by whoever may delete anyone's notes (owners and
 * admins). Deleting someone else's note is audited; deleting one's own is not.
 */
export async function deleteLeadNote(
  deps: LeadDeps,
  input: { workspaceId: string; leadId: string; noteId: string; actor: Actor; role: Role | undefined },
): Promise<void> {
  const lead = await findLead(deps.db, input.workspaceId, input.leadId);
  if (!lead) throw notFound("Lead");
  const note = await findNote(deps.db, input.workspaceId, lead.id, input.noteId);
  if (!note) throw notFound("Note");
  const own = note.authorId !== null && note.authorId === input.actor.userId;
  const moderator = input.role !== undefined && can(input.role, { leadNote: ["delete"] });
  if (!own && !moderator) {
    throw new AppError("FORBIDDEN", "Only the note's author or a workspace admin can delete this note");
  }
  await deps.db.transaction(async (tx) => {
    await deleteNoteRow(tx as unknown as Db, input.workspaceId, note.id);
    await touchLead(tx as unknown as Db, input.workspaceId, lead.id, deps.clock.now());
  });
  if (!own) {
    await deps.audit({
      action: "lead.note_deleted",
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      targetType: "lead",
      targetId: lead.id,
      ip: input.actor.ip ?? null,
      metadata: { noteId: note.id, authorId: note.authorId },
    });
  }
  deps.events.emit({
    type: "lead.updated",
    workspaceId: input.workspaceId,
    leadId: lead.id,
    contactId: lead.contactId,
    status: lead.status,
    change: "note",
  });
}
