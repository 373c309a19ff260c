import { and, desc, eq, gte, inArray, lt, lte } from "drizzle-orm";
import { agents, contacts, conversations, leadNotes, leads, users } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import { contactMatches } from "./contacts.repo.ts";
import { cursorAt, olderThan, type PageCursor } from "./page-cursor.ts";

export type LeadRow = typeof leads.$inferSelect;

/** Which leads: every bound optional; `from` and `to` inclusive, `before` exclusive. */
export type LeadFilter = {
  status?: string | undefined;
  agentId?: string | undefined;
  q?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  before?: Date | undefined;
};

const leadColumns = {
  id: leads.id,
  status: leads.status,
  note: leads.note,
  conversationId: leads.conversationId,
  channel: conversations.channel,
  agentId: leads.agentId,
  agentName: agents.name,
  createdAt: leads.createdAt,
  updatedAt: leads.updatedAt,
  statusChangedAt: leads.statusChangedAt,
  contactId: contacts.id,
  contactName: contacts.name,
  contactEmail: contacts.email,
  contactPhone: contacts.phone,
  cursorAt: cursorAt(leads.createdAt),
};
function leadsQuery(db: Db) {
  return db
    .select(leadColumns)
    .from(leads)
    .innerJoin(contacts, and(eq(contacts.id, leads.contactId), eq(contacts.workspaceId, leads.workspaceId)))
    .leftJoin(agents, and(eq(agents.id, leads.agentId), eq(agents.workspaceId, leads.workspaceId)))
    .leftJoin(
      conversations,
      and(eq(conversations.id, leads.conversationId), eq(conversations.workspaceId, leads.workspaceId)),
    );
}
/** A lead with its contact and agent, as lists and the CSV export read it. */
export type LeadListRow = Awaited<ReturnType<typeof leadsQuery>>[number];

/** A page of the workspace's leads, newest first, with contact and agent. */
export function findLeadsPage(
  db: Db,
  workspaceId: string,
  filter: LeadFilter,
  page: { after?: PageCursor | undefined; limit: number },
): Promise<LeadListRow[]> {
  return leadsQuery(db)
    .where(
      and(
        eq(leads.workspaceId, workspaceId),
        filter.status ? eq(leads.status, filter.status) : undefined,
        filter.agentId ? eq(leads.agentId, filter.agentId) : undefined,
        filter.from ? gte(leads.createdAt, filter.from) : undefined,
        filter.to ? lte(leads.createdAt, filter.to) : undefined,
        filter.before ? lt(leads.createdAt, filter.before) : undefined,
        filter.q ? contactMatches(filter.q) : undefined,
        page.after ? olderThan(leads.createdAt, leads.id, page.after) : undefined,
      ),
    )
    .orderBy(desc(leads.createdAt), desc(leads.id))
    .limit(page.limit);
}

export async function findLead(db: Db, workspaceId: string, id: string): Promise<LeadListRow | undefined> {
  const [row] = await leadsQuery(db).where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, id)));
  return row;
}

/** Locks the lead for the rest of the transaction. */
export async function lockLead(tx: Db, workspaceId: string, id: string): Promise<LeadRow | undefined> {
  const [row] = await tx
    .select()
    .from(leads)
    .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, id)))
    .for("update");
  return row;
}

export async function setLeadStatus(tx: Db, workspaceId: string, id: string, status: string, at: Date) {
  await tx
    .update(leads)
    .set({ status, updatedAt: at, statusChangedAt: at })
    .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, id)));
}

/** Notes count as activity on the lead: its updated_at follows them. */
export async function touchLead(db: Db, workspaceId: string, id: string, at: Date) {
  await db
    .update(leads)
    .set({ updatedAt: at })
    .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, id)));
}

// ── Notes ───────────────────────────────────────────────────────────────────────────────────

const noteColumns = {
  id: leadNotes.id,
  leadId: leadNotes.leadId,
  body: leadNotes.body,
  authorId: leadNotes.authorId,
  authorName: users.name,
  createdAt: leadNotes.createdAt,
};
export type NoteRow = {
  id: string;
  leadId: string;
  body: string;
  authorId: string | null;
  authorName: string | null;
  createdAt: Date;
};

export async function insertNote(db: Db, row: typeof leadNotes.$inferInsert): Promise<void> {
  await db.insert(leadNotes).values(row);
}

export function findNotes(db: Db, workspaceId: string, leadId: string): Promise<NoteRow[]> {
  return db
    .select(noteColumns)
    .from(leadNotes)
    .leftJoin(users, eq(users.id, leadNotes.authorId))
    .where(and(eq(leadNotes.workspaceId, workspaceId), eq(leadNotes.leadId, leadId)))
    .orderBy(desc(leadNotes.createdAt), desc(leadNotes.id));
}

export async function findNote(
  db: Db,
  workspaceId: string,
  leadId: string,
  id: string,
): Promise<NoteRow | undefined> {
  const [row] = await db
    .select(noteColumns)
    .from(leadNotes)
    .leftJoin(users, eq(users.id, leadNotes.authorId))
    .where(and(eq(leadNotes.workspaceId, workspaceId), eq(leadNotes.leadId, leadId), eq(leadNotes.id, id)));
  return row;
}

export async function deleteNoteRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.delete(leadNotes).where(and(eq(leadNotes.workspaceId, workspaceId), eq(leadNotes.id, id)));
}

/** The newest note of each of these leads (leads without notes are absent from the map). */
export async function findLatestNotes(
  db: Db,
  workspaceId: string,
  leadIds: string[],
): Promise<Map<string, NoteRow>> {
  if (!leadIds.length) return new Map();
  const rows = await db
    .selectDistinctOn([leadNotes.leadId], noteColumns)
    .from(leadNotes)
    .leftJoin(users, eq(users.id, leadNotes.authorId))
    .where(and(eq(leadNotes.workspaceId, workspaceId), inArray(leadNotes.leadId, leadIds)))
    .orderBy(leadNotes.leadId, desc(leadNotes.createdAt), desc(leadNotes.id));
  return new Map(rows.map((r) => [r.leadId, r]));
}
