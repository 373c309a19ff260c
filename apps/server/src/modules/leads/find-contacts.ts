import type { TContact, TLeadStatus } from "@minichat/contracts";
import type { Db } from "../../platform/db/client.ts";
import { notFound } from "../../platform/errors.ts";
import {
  findContact,
  findContactConversationIds,
  findContactLeads,
  findContactsPage,
} from "./contacts.repo.ts";
import { decodeCursor, encodeCursor } from "./page-cursor.ts";
import { toContact } from "./to-lead.ts";

export async function findContacts(
  db: Db,
  workspaceId: string,
  query: { q?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ contacts: TContact[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor);
  const rows = await findContactsPage(db, workspaceId, { q: query.q, after, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    contacts: page.map(toContact),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  };
}

/** One contact with its leads (newest first) and the ids of its conversations. */
export async function getContact(db: Db, workspaceId: string, contactId: string) {
  const row = await findContact(db, workspaceId, contactId);
  if (!row) throw notFound("Contact");
  const [leads, conversationIds] = await Promise.all([
    findContactLeads(db, workspaceId, contactId),
    findContactConversationIds(db, workspaceId, contactId),
  ]);
  return {
    ...toContact(row),
    leads: leads.map((l) => ({
      id: l.id,
      status: l.status as TLeadStatus,
      agentId: l.agentId,
      conversationId: l.conversationId,
      createdAt: l.createdAt.toISOString(),
    })),
    conversationIds,
  };
}
