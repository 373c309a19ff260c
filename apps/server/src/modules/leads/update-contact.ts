import type { TUpdateContactRequest } from "@minichat/contracts";
import { notFound } from "../../platform/errors.ts";
import { findContact, updateContactRow } from "./contacts.repo.ts";
import { emitContactLeadsUpdated, type MergeDeps, mergeContactByEmail } from "./merge-contact-by-email.ts";
import type { Actor } from "./update-lead-status.ts";

/**
 * An edit of a contact's name, email or phone. A new email that another contact already has
 * merges the two (see mergeContactByEmail); the answer names the contact that holds the details
 * afterwards and, after a merge, the one that no longer exists.
 */
export async function updateContact(
  deps: MergeDeps,
  input: { workspaceId: string; contactId: string; body: TUpdateContactRequest; actor: Actor },
): Promise<{ contactId: string; mergedContactId: string | null }> {
  const { workspaceId, contactId, body } = input;
  const current = await findContact(deps.db, workspaceId, contactId);
  if (!current) throw notFound("Contact");
  const email = body.email === undefined || body.email === null ? body.email : body.email.toLowerCase();

  let result: { contactId: string; mergedContactId: string | null };
  if (email && email !== current.email?.toLowerCase()) {
    result = await mergeContactByEmail(deps, {
      workspaceId,
      contactId,
      email,
      name: body.name,
      phone: body.phone,
      actorUserId: input.actor.userId,
      ip: input.actor.ip,
    });
  } else {
    const row = await updateContactRow(deps.db, workspaceId, contactId, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(email !== undefined ? { email } : {}),
      ...(body.phone !== undefined ? { phone: body.phone } : {}),
    });
    if (!row) throw notFound("Contact");
    await emitContactLeadsUpdated(deps, workspaceId, contactId);
    result = { contactId, mergedContactId: null };
  }
  await deps.audit({
    action: "contact.updated",
    workspaceId,
    actorUserId: input.actor.userId,
    targetType: "contact",
    targetId: result.contactId,
    ip: input.actor.ip ?? null,
    metadata: {
      fields: Object.keys(body),
      ...(result.mergedContactId ? { mergedContactId: result.mergedContactId } : {}),
    },
  });
  return result;
}
