import { desc, eq } from "drizzle-orm";
import { emailOutbox } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

// Platform-level table (not tenant-owned): emails go to people, not workspaces.

export type EmailRow = typeof emailOutbox.$inferSelect;

export async function insertEmail(db: Db, row: typeof emailOutbox.$inferInsert): Promise<void> {
  await db.insert(emailOutbox).values(row);
}

export async function findEmailById(db: Db, id: string): Promise<EmailRow | undefined> {
  const [row] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
  return row;
}

export async function setEmailStatus(
  db: Db,
  id: string,
  status: string,
  error: string | null,
): Promise<void> {
  await db.update(emailOutbox).set({ status, error }).where(eq(emailOutbox.id, id));
}

export async function findLatestEmails(db: Db, opts: { limit: number; to?: string }): Promise<EmailRow[]> {
  const q = db.select().from(emailOutbox);
  const filtered = opts.to ? q.where(eq(emailOutbox.to, opts.to.toLowerCase())) : q;
  return filtered.orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id)).limit(opts.limit);
}
