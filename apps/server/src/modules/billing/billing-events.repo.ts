import { and, eq, sql } from "drizzle-orm";
import { billingEvents } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import { newId } from "../../platform/ids.ts";

// Platform-level table: an event belongs to a provider account, and which workspace it concerns
// is only known once it is read.

export type BillingEventRow = typeof billingEvents.$inferSelect;

/**
 * Stores an event unless the provider delivered it before. Returns the row and whether this call
 * stored it; a redelivery of an event that failed or is not processed yet is handed back so the
 * caller can queue it again.
 */
export async function storeBillingEvent(
  db: Db,
  e: {
    provider: BillingEventRow["provider"];
    eventId: string;
    type: string;
    payload: Record<string, unknown>;
  },
): Promise<{ row: BillingEventRow; isNew: boolean }> {
  const [inserted] = await db
    .insert(billingEvents)
    .values({ id: newId("bev"), ...e })
    .onConflictDoNothing()
    .returning();
  if (inserted) return { row: inserted, isNew: true };
  const [existing] = await db
    .select()
    .from(billingEvents)
    .where(and(eq(billingEvents.provider, e.provider), eq(billingEvents.eventId, e.eventId)));
  if (!existing) throw new Error("billing event vanished between insert and select");
  return { row: existing, isNew: false };
}

export async function findBillingEvent(db: Db, id: string): Promise<BillingEventRow | undefined> {
  const [row] = await db.select().from(billingEvents).where(eq(billingEvents.id, id));
  return row;
}

export async function finishBillingEvent(
  db: Db,
  id: string,
  outcome: { status: "processed" | "ignored" | "failed"; error?: string | null; at: Date },
): Promise<void> {
  await db
    .update(billingEvents)
    .set({
      status: outcome.status,
      error: outcome.error ?? null,
      attempts: sql`${billingEvents.attempts} + 1`,
      processedAt: outcome.status === "failed" ? null : outcome.at,
    })
    .where(eq(billingEvents.id, id));
}
