import type { TLeadFilter } from "@minichat/contracts";
import type { Db } from "../../platform/db/client.ts";
import { CSV_BOM, csvRow } from "./csv.ts";
import { toLeadFilter } from "./find-leads.ts";
import { findLatestNotes, findLeadsPage, type LeadListRow } from "./leads.repo.ts";
import type { PageCursor } from "./page-cursor.ts";

/** Rows read per query: the export never holds more than this many leads in memory. */
const BATCH = 500;

const HEADER = [
  "lead_id",
  "created_at",
  "updated_at",
  "status",
  "name",
  "email",
  "phone",
  "agent",
  "conversation_id",
  "visitor_note",
  "latest_note",
];

/**
 * The workspace's leads matching `filter` as CSV text chunks, newest first, read batch by batch
 * along the same cursor as the list (leads captured while it runs are not included). The first
 * batch is read before anything is returned, so a failing query is still an ordinary error
 * response rather than a cut-off download.
 */
export async function exportLeadsCsv(
  db: Db,
  workspaceId: string,
  query: TLeadFilter,
): Promise<AsyncIterable<string>> {
  const filter = toLeadFilter(query);
  const readBatch = async (after: PageCursor | undefined) => {
    const rows = await findLeadsPage(db, workspaceId, filter, { after, limit: BATCH });
    const notes = await findLatestNotes(
      db,
      workspaceId,
      rows.map((r) => r.id),
    );
    return { rows, text: rows.map((r) => toCsvLine(r, notes.get(r.id)?.body)).join("") };
  };
  const first = await readBatch(undefined);

  return (async function* () {
    yield CSV_BOM + csvRow(HEADER) + first.text;
    let batch = first;
    while (batch.rows.length === BATCH) {
      const last = batch.rows.at(-1)!;
      batch = await readBatch({ at: last.cursorAt, id: last.id });
      if (batch.text) yield batch.text;
    }
  })();
}

function toCsvLine(l: LeadListRow, latestNote: string | undefined): string {
  return csvRow([
    l.id,
    l.createdAt.toISOString(),
    l.updatedAt.toISOString(),
    l.status,
    l.contactName,
    l.contactEmail,
    l.contactPhone,
    l.agentName,
    l.conversationId,
    l.note,
    latestNote,
  ]);
}
