import type { Db } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import type { EventBus } from "../../platform/events.ts";
import type { Audit } from "../audit/index.ts";
import {
  deleteContactRow,
  findLeadStatusesOfContact,
  lockContact,
  lockContactByEmail,
  moveContactRecords,
  updateContactRow,
} from "./contacts.repo.ts";

export type MergeDeps = { db: Db; audit: Audit; events: EventBus };

export type MergeInput = {
  workspaceId: string;
  /** The contact that now has this email (an operator's edit, or a visitor leaving an email). */
  contactId: string;
  email: string;
  /** Given values win over the stored ones; omitted ones keep what the contacts had. */
  name?: string | null | undefined;
  phone?: string | null | undefined;
  /** Who made the change: a user, or null for a visitor or an API key. */
  actorUserId?: string | null | undefined;
  ip?: string | null | undefined;
};

export type MergeResult = {
  /** The contact holding the email now: `contactId`, or the one it was merged into. */
  contactId: string;
  /** The contact that was merged away (it no longer exists), or null when there was none. */
  mergedContactId: string | null;
  movedLeadIds: string[];
  movedConversationIds: string[];
};

// Unique violation (a concurrent change took the email first), deadlock (two merges locking
// the same pair of contacts in opposite order), serialization failure: all are settled by
// running the transaction again, which then sees the other side's result.
const RETRYABLE = new Set(["23505", "40P01", "40001"]);
const ATTEMPTS = 5;

/**
 * Gives a contact an email, merging it into the workspace's contact that already has that email
 * (compared in lower case). The contact that already had the email survives: the other one's
 * leads and conversations move to it, its name and phone fill the survivor's blanks, and it is
 * deleted. One transaction; concurrent calls for the same email end with a single contact (the
 * unique index on lower(email) makes the loser retry, and the retry merges).
 *
 * Every table that points at contacts must be moved here (today: leads, conversations).
 */
export async function mergeContactByEmail(deps: MergeDeps, input: MergeInput): Promise<MergeResult> {
  const email = input.email.trim().toLowerCase();
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await deps.db.transaction((tx) => mergeOnce(tx as unknown as Db, input, email));
      await announce(deps, input, result);
      return result;
    } catch (err) {
      if (!RETRYABLE.has(pgCode(err) ?? "")) throw err;
      if (attempt >= ATTEMPTS) {
        throw new AppError(
          "CONFLICT",
          "The contact was being changed by someone else at the same time; try again",
        );
      }
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

async function mergeOnce(tx: Db, input: MergeInput, email: string): Promise<MergeResult> {
  const source = await lockContact(tx, input.workspaceId, input.contactId);
  if (!source) throw notFound("Contact");
  const given = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.phone !== undefined ? { phone: input.phone } : {}),
  };
  const target = await lockContactByEmail(tx, input.workspaceId, email, source.id);
  if (!target) {
    await updateContactRow(tx, input.workspaceId, source.id, { email, ...given });
    return { contactId: source.id, mergedContactId: null, movedLeadIds: [], movedConversationIds: [] };
  }
  const moved = await moveContactRecords(tx, input.workspaceId, source.id, target.id);
  await deleteContactRow(tx, input.workspaceId, source.id);
  await updateContactRow(tx, input.workspaceId, target.id, {
    email,
    name: target.name ?? source.name,
    phone: target.phone ?? source.phone,
    ...given,
  });
  return {
    contactId: target.id,
    mergedContactId: source.id,
    movedLeadIds: moved.leadIds,
    movedConversationIds: moved.conversationIds,
  };
}

/** After the commit: the audit entry for a merge and a lead.updated for each lead it touched. */
async function announce(deps: MergeDeps, input: MergeInput, result: MergeResult): Promise<void> {
  if (result.mergedContactId) {
    await deps.audit({
      action: "contact.merged",
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId ?? null,
      targetType: "contact",
      targetId: result.contactId,
      ip: input.ip ?? null,
      metadata: {
        mergedContactId: result.mergedContactId,
        leadsMoved: result.movedLeadIds.length,
        conversationsMoved: result.movedConversationIds.length,
      },
    });
  }
  await emitContactLeadsUpdated(deps, input.workspaceId, result.contactId);
}

/** Tells listeners that each lead of this contact shows changed contact details. */
export async function emitContactLeadsUpdated(
  deps: Pick<MergeDeps, "db" | "events">,
  workspaceId: string,
  contactId: string,
): Promise<void> {
  for (const lead of await findLeadStatusesOfContact(deps.db, workspaceId, contactId)) {
    deps.events.emit({
      type: "lead.updated",
      workspaceId,
      leadId: lead.id,
      contactId,
      status: lead.status,
      change: "contact",
    });
  }
}

function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" ? code : undefined;
}
