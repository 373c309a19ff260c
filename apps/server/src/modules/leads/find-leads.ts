import type { TLead, TLeadFilter } from "@minichat/contracts";
import type { Db } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { findLatestNotes, findLead, findLeadsPage, findNotes, type LeadFilter } from "./leads.repo.ts";
import { decodeCursor, encodeCursor } from "./page-cursor.ts";
import { toLead, toLeadNote } from "./to-lead.ts";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The query's filters as the repository takes them: a bare date `to` covers its whole day (UTC). */
export function toLeadFilter(q: TLeadFilter): LeadFilter {
  const from = q.from ? new Date(DATE_ONLY.test(q.from) ? `${q.from}T00:00:00Z` : q.from) : undefined;
  let to: Date | undefined;
  let before: Date | undefined;
  if (q.to && DATE_ONLY.test(q.to)) before = new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY_MS);
  else if (q.to) to = new Date(q.to);
  for (const d of [from, to, before]) {
    if (d && Number.isNaN(d.getTime())) {
      throw new AppError("VALIDATION_FAILED", "`from` and `to` must be real dates", {
        from: q.from,
        to: q.to,
      });
    }
  }
  const end = to ?? before;
  if (from && end && (to ? from > to : from >= end)) {
    throw new AppError("VALIDATION_FAILED", "`from` must not be later than `to`", { from: q.from, to: q.to });
  }
  return { status: q.status, agentId: q.agentId, q: q.q, from, to, before };
}

export async function findLeads(
  db: Db,
  workspaceId: string,
  query: TLeadFilter & { limit: number; cursor?: string | undefined },
): Promise<{ leads: TLead[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor);
  const rows = await findLeadsPage(db, workspaceId, toLeadFilter(query), { after, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const notes = await findLatestNotes(
    db,
    workspaceId,
    page.map((l) => l.id),
  );
  return {
    leads: page.map((l) => toLead(l, notes.get(l.id))),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  };
}

/** One lead with all its notes, newest first. */
export async function getLead(db: Db, workspaceId: string, leadId: string) {
  const row = await findLead(db, workspaceId, leadId);
  if (!row) throw notFound("Lead");
  const notes = await findNotes(db, workspaceId, leadId);
  return { ...toLead(row, notes[0]), notes: notes.map(toLeadNote) };
}
