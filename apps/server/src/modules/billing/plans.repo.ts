import { and, asc, count, eq, gt, inArray, sql } from "drizzle-orm";
import {
  billingAlerts,
  invitations,
  members,
  plans,
  usagePeriods,
  users,
  workspaceSubscriptions,
  workspaces,
} from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

export type PlanRow = typeof plans.$inferSelect;
export type SubscriptionRow = typeof workspaceSubscriptions.$inferSelect;
export type UsagePeriodRow = typeof usagePeriods.$inferSelect;

export async function findPlans(db: Db, opts: { onlyPublic?: boolean } = {}): Promise<PlanRow[]> {
  return db
    .select()
    .from(plans)
    .where(opts.onlyPublic ? eq(plans.public, true) : undefined)
    .orderBy(asc(plans.position), asc(plans.id));
}

export async function findPlan(db: Db, planId: string): Promise<PlanRow | undefined> {
  const [row] = await db.select().from(plans).where(eq(plans.id, planId));
  return row;
}

export async function updatePlan(db: Db, planId: string, set: Partial<typeof plans.$inferInsert>) {
  const [row] = await db
    .update(plans)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(plans.id, planId))
    .returning();
  return row;
}

export async function findSubscription(db: Db, workspaceId: string): Promise<SubscriptionRow | undefined> {
  const [row] = await db
    .select()
    .from(workspaceSubscriptions)
    .where(eq(workspaceSubscriptions.workspaceId, workspaceId));
  return row;
}

export async function findSubscriptions(db: Db, workspaceIds: string[]): Promise<SubscriptionRow[]> {
  if (!workspaceIds.length) return [];
  return db
    .select()
    .from(workspaceSubscriptions)
    .where(inArray(workspaceSubscriptions.workspaceId, workspaceIds));
}

/** A manual assignment replaces whatever the workspace was on (provider ids are kept for reference). */
export async function upsertManualSubscription(
  db: Db,
  v: {
    workspaceId: string;
    planId: string;
    interval: "monthly" | "yearly";
    currency: string;
    periodStart: Date;
    periodEnd: Date;
    now: Date;
  },
): Promise<void> {
  const set = {
    planId: v.planId,
    interval: v.interval,
    currency: v.currency,
    status: "active" as const,
    source: "manual" as const,
    currentPeriodStart: v.periodStart,
    currentPeriodEnd: v.periodEnd,
    cancelAtPeriodEnd: false,
    updatedAt: v.now,
  };
  await db
    .insert(workspaceSubscriptions)
    .values({ workspaceId: v.workspaceId, ...set })
    .onConflictDoUpdate({ target: workspaceSubscriptions.workspaceId, set });
}

export async function findUsagePeriod(
  db: Db,
  workspaceId: string,
  periodKey: string,
): Promise<UsagePeriodRow | undefined> {
  const [row] = await db
    .select()
    .from(usagePeriods)
    .where(and(eq(usagePeriods.workspaceId, workspaceId), eq(usagePeriods.periodKey, periodKey)));
  return row;
}

export async function findUsagePeriods(db: Db, keys: { workspaceId: string; periodKey: string }[]) {
  if (!keys.length) return [];
  return db
    .select()
    .from(usagePeriods)
    .where(
      inArray(
        sql`(${usagePeriods.workspaceId} || '|' || ${usagePeriods.periodKey})`,
        keys.map((k) => `${k.workspaceId}|${k.periodKey}`),
      ),
    );
}

export async function addExtraReplies(db: Db, workspaceId: string, periodKey: string, replies: number) {
  await db
    .insert(usagePeriods)
    .values({ workspaceId, periodKey, extraReplies: replies })
    .onConflictDoUpdate({
      target: [usagePeriods.workspaceId, usagePeriods.periodKey],
      set: { extraReplies: sql`${usagePeriods.extraReplies} + ${replies}`, updatedAt: new Date() },
    });
}

export async function findAlerts(db: Db, workspaceId: string, periodKey: string) {
  return db
    .select()
    .from(billingAlerts)
    .where(and(eq(billingAlerts.workspaceId, workspaceId), eq(billingAlerts.periodKey, periodKey)))
    .orderBy(asc(billingAlerts.threshold));
}

/** Records the alert unless it was already sent this period; true when this call recorded it. */
export async function claimAlert(
  db: Db,
  a: { workspaceId: string; periodKey: string; threshold: number; used: number; max: number },
): Promise<boolean> {
  const rows = await db
    .insert(billingAlerts)
    .values(a)
    .onConflictDoNothing()
    .returning({ threshold: billingAlerts.threshold });
  return rows.length > 0;
}

export async function countMembers(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(members).where(eq(members.organizationId, workspaceId));
  return Number(row?.n ?? 0);
}

export async function countPendingInvitations(db: Db, workspaceId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, workspaceId),
        eq(invitations.status, "pending"),
        gt(invitations.expiresAt, now),
      ),
    );
  return Number(row?.n ?? 0);
}

/** The owner a workspace's billing mail goes to (the earliest owner when there are several). */
export async function findWorkspaceOwner(db: Db, workspaceId: string) {
  const [row] = await db
    .select({ email: users.email, name: users.name, locale: users.locale, workspaceName: workspaces.name })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .innerJoin(workspaces, eq(workspaces.id, members.organizationId))
    .where(and(eq(members.organizationId, workspaceId), eq(members.role, "owner")))
    .orderBy(asc(members.createdAt))
    .limit(1);
  return row;
}

export async function findWorkspacePage(db: Db, limit: number, offset: number) {
  return db
    .select({ id: workspaces.id, name: workspaces.name })
    .from(workspaces)
    .orderBy(asc(workspaces.createdAt), asc(workspaces.id))
    .limit(limit)
    .offset(offset);
}

export async function workspaceExists(db: Db, workspaceId: string): Promise<boolean> {
  const [row] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return !!row;
}

/** Subscriptions that bring revenue, with their plan's prices. */
export async function findPayingSubscriptions(db: Db) {
  return db
    .select({
      planId: workspaceSubscriptions.planId,
      interval: workspaceSubscriptions.interval,
      currency: workspaceSubscriptions.currency,
      prices: plans.prices,
    })
    .from(workspaceSubscriptions)
    .innerJoin(plans, eq(plans.id, workspaceSubscriptions.planId))
    .where(inArray(workspaceSubscriptions.status, ["active", "past_due"]));
}
