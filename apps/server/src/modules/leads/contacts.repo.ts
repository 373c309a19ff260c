import { and, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { contacts, conversations, leads } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import { containsPattern, cursorAt, olderThan, type PageCursor } from "./page-cursor.ts";

export type ContactRow = typeof contacts.$inferSelect;
export type ContactListRow = ContactRow & { leadCount: number; cursorAt: string };

/**
 * Contacts whose name, email or phone contains `q`. A query that looks like a phone number also
 * matches on digits alone, so "0812345678" finds "081 234 5678".
 */
export function contactMatches(q: string): SQL {
  const pattern = containsPattern(q);
  const conds = [
    ilike(contacts.name, pattern),
    ilike(contacts.email, pattern),
    ilike(contacts.phone, pattern),
  ];
  const digits = q.replace(/\D/g, "");
  if (/^[+()\d\s.-]+$/.test(q) && digits.length >= 3) {
    conds.push(sql`regexp_replace(${contacts.phone}, '[^0-9]', '', 'g') like ${`%${digits}%`}`);
  }
  return or(...conds)!;
}

const listColumns = {
  id: contacts.id,
  workspaceId: contacts.workspaceId,
  name: contacts.name,
  email: contacts.email,
  phone: contacts.phone,
  createdAt: contacts.createdAt,
  updatedAt: contacts.updatedAt,
  // Spelled out: drizzle leaves columns unqualified in a single-table select, and inside the
  // subquery "id" would then be the lead's.
  leadCount: sql<number>`(select count(*) from leads l where l.contact_id = "contacts"."id")::int`,
  cursorAt: cursorAt(contacts.createdAt),
};

export function findContactsPage(
  db: Db,
  workspaceId: string,
  filter: { q?: string | undefined; after?: PageCursor | undefined; limit: number },
): Promise<ContactListRow[]> {
  return db
    .select(listColumns)
    .from(contacts)
    .where(
      and(
        eq(contacts.workspaceId, workspaceId),
        filter.q ? contactMatches(filter.q) : undefined,
        filter.after ? olderThan(contacts.createdAt, contacts.id, filter.after) : undefined,
      ),
    )
    .orderBy(desc(contacts.createdAt), desc(contacts.id))
    .limit(filter.limit);
}

export async function findContact(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<ContactListRow | undefined> {
  const [row] = await db
    .select(listColumns)
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)));
  return row;
}

export function findContactLeads(db: Db, workspaceId: string, contactId: string) {
  return db
    .select({
      id: leads.id,
      status: leads.status,
      agentId: leads.agentId,
      conversationId: leads.conversationId,
      createdAt: leads.createdAt,
    })
    .from(leads)
    .where(and(eq(leads.workspaceId, workspaceId), eq(leads.contactId, contactId)))
    .orderBy(desc(leads.createdAt), desc(leads.id));
}

export async function findContactConversationIds(
  db: Db,
  workspaceId: string,
  contactId: string,
): Promise<string[]> {
  const rows = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.contactId, contactId)))
    .orderBy(
      desc(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`),
      desc(conversations.id),
    );
  return rows.map((r) => r.id);
}

export async function updateContactRow(
  db: Db,
  workspaceId: string,
  id: string,
  set: Partial<Pick<ContactRow, "name" | "email" | "phone">>,
): Promise<ContactRow | undefined> {
  const [row] = await db
    .update(contacts)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)))
    .returning();
  return row;
}

/** Locks the contact for the rest of the transaction. */
export async function lockContact(tx: Db, workspaceId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)))
    .for("update");
  return row;
}

/** Locks the workspace's other contact with this email (lower case), if there is one. */
export async function lockContactByEmail(
  tx: Db,
  workspaceId: string,
  email: string,
  exceptId: string,
): Promise<ContactRow | undefined> {
  const [row] = await tx
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.workspaceId, workspaceId),
        sql`lower(${contacts.email}) = ${email}`,
        sql`${contacts.id} <> ${exceptId}`,
      ),
    )
    .for("update");
  return row;
}

/** Moves every lead and conversation of `fromId` to `toId`; returns the leads moved. */
export async function moveContactRecords(tx: Db, workspaceId: string, fromId: string, toId: string) {
  const movedLeads = await tx
    .update(leads)
    .set({ contactId: toId, updatedAt: new Date() })
    .where(and(eq(leads.workspaceId, workspaceId), eq(leads.contactId, fromId)))
    .returning({ id: leads.id });
  const movedConversations = await tx
    .update(conversations)
    .set({ contactId: toId })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.contactId, fromId)))
    .returning({ id: conversations.id });
  return { leadIds: movedLeads.map((l) => l.id), conversationIds: movedConversations.map((c) => c.id) };
}

export async function deleteContactRow(tx: Db, workspaceId: string, id: string): Promise<void> {
  await tx.delete(contacts).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)));
}

/** Lead ids and statuses of a contact, for the events that tell listeners its leads changed. */
export function findLeadStatusesOfContact(db: Db, workspaceId: string, contactId: string) {
  return db
    .select({ id: leads.id, status: leads.status })
    .from(leads)
    .where(and(eq(leads.workspaceId, workspaceId), eq(leads.contactId, contactId)));
}
