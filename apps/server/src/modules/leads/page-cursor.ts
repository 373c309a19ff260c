import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { AppError } from "../../platform/errors.ts";

// Lists of leads and contacts page newest first on (created_at, id). Those timestamps carry
// microseconds, which a JS Date would drop (and a page boundary between two rows of the same
// millisecond would then skip or repeat rows), so the cursor holds PostgreSQL's own text of it.

export type PageCursor = { at: string; id: string };

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const ID = /^[a-z]{2,4}_[0-9a-z]{20}$/;

/** The row's created_at to the microsecond, as cursor text (select it with the row). */
export const cursorAt = (column: AnyColumn): SQL<string> =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function encodeCursor(row: { cursorAt: string; id: string }): string {
  return Buffer.from(`${row.cursorAt}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): PageCursor | undefined {
  if (cursor === undefined) return undefined;
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!at || !id || !AT.test(at) || !ID.test(id)) {
    throw new AppError("VALIDATION_FAILED", "The cursor is not valid; use nextCursor from a previous page");
  }
  return { at, id };
}

/** Rows after the cursor in (created_at desc, id desc) order. */
export const olderThan = (createdAt: AnyColumn, id: AnyColumn, after: PageCursor): SQL =>
  sql`(${createdAt}, ${id}) < (${after.at}::timestamptz, ${after.id})`;

/** An ILIKE pattern matching `text` anywhere, with LIKE's wildcards in it taken literally. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;
