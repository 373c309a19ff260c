import type { TContact, TLead, TLeadNote, TLeadStatus } from "@minichat/contracts";
import type { ContactListRow } from "./contacts.repo.ts";
import type { LeadListRow, NoteRow } from "./leads.repo.ts";

export const toLeadNote = (n: NoteRow): TLeadNote => ({
  id: n.id,
  body: n.body,
  author: n.authorId ? { id: n.authorId, name: n.authorName ?? "" } : null,
  createdAt: n.createdAt.toISOString(),
});

export const toLead = (l: LeadListRow, latestNote: NoteRow | undefined): TLead => ({
  id: l.id,
  status: l.status as TLeadStatus,
  visitorNote: l.note,
  contact: { id: l.contactId, name: l.contactName, email: l.contactEmail, phone: l.contactPhone },
  agent: l.agentId && l.agentName !== null ? { id: l.agentId, name: l.agentName } : null,
  conversationId: l.conversationId,
  channel: l.channel,
  createdAt: l.createdAt.toISOString(),
  updatedAt: l.updatedAt.toISOString(),
  statusChangedAt: l.statusChangedAt?.toISOString() ?? null,
  latestNote: latestNote ? toLeadNote(latestNote) : null,
});

export const toContact = (c: ContactListRow): TContact => ({
  id: c.id,
  name: c.name,
  email: c.email,
  phone: c.phone,
  leadCount: c.leadCount,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});
