import { desc, eq, sql } from "drizzle-orm";
import { emailOutbox, emailPreferences } from "../../db/schema/index.ts";
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

/** Categories the address declined (none when it never chose). Addresses are lower-cased. */
export async function findUnsubscribed(db: Db, email: string): Promise<string[]> {
  const [row] = await db
    .select({ unsubscribed: emailPreferences.unsubscribed })
    .from(emailPreferences)
    .where(eq(emailPreferences.email, email.toLowerCase()));
  return row?.unsubscribed ?? [];
}

export async function setUnsubscribed(db: Db, email: string, categories: string[], now: Date): Promise<void> {
  await db
    .insert(emailPreferences)
    .values({ email: email.toLowerCase(), unsubscribed: categories, updatedAt: now })
    .onConflictDoUpdate({
      target: emailPreferences.email,
      set: { unsubscribed: categories, updatedAt: now },
    });
}

/** Adds one category in a single statement, so two one-click requests cannot lose each other. */
export async function addUnsubscribed(db: Db, email: string, category: string, now: Date): Promise<void> {
  await db
    .insert(emailPreferences)
    .values({ email: email.toLowerCase(), unsubscribed: [category], updatedAt: now })
    .onConflictDoUpdate({
      target: emailPreferences.email,
      set: {
        unsubscribed: sql`CASE WHEN ${emailPreferences.unsubscribed} @> jsonb_build_array(${category}::text)
          THEN ${emailPreferences.unsubscribed}
          ELSE ${emailPreferences.unsubscribed} || jsonb_build_array(${category}::text) END`,
        updatedAt: now,
      },
    });
}
