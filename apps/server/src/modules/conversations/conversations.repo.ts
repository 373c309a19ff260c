import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { agents, conversations, leads, messages, usageDaily } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type MessageInsert = typeof messages.$inferInsert;

export async function insertConversation(
  db: Db,
  row: typeof conversations.$inferInsert,
): Promise<ConversationRow> {
  const [created] = await db.insert(conversations).values(row).returning();
  return created!;
}

export async function findConversation(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<ConversationRow | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, id)));
  return row;
}

export async function setConversationStatus(
  db: Db,
  workspaceId: string,
  id: string,
  status: string,
): Promise<void> {
  await db
    .update(conversations)
    .set({ status, updatedAt: new Date() })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, id)));
}

/** Several messages in one statement, kept in the given order (their sequence follows it). */
export async function insertMessages(db: Db, rows: MessageInsert[]): Promise<void> {
  if (rows.length) await db.insert(messages).values(rows);
}

/** A page of messages, oldest first, after the message `afterId`. */
export function findMessagesPage(
  db: Db,
  workspaceId: string,
  conversationId: string,
  limit: number,
  afterId: string | null,
): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, workspaceId),
        eq(messages.conversationId, conversationId),
        afterId
          ? sql`${messages.seq} > (select m.seq from messages m where m.id = ${afterId} and m.workspace_id = ${workspaceId})`
          : undefined,
      ),
    )
    .orderBy(asc(messages.seq))
    .limit(limit);
}

/**
 * One contact per email per workspace: a returning visitor's details join the same record. A
 * single statement, so two turns capturing the same email at once cannot both insert.
 */
export async function upsertContact(
  db: Db,
  input: {
    id: string;
    workspaceId: string;
    name?: string | undefined;
    email?: string | undefined;
    phone?: string | undefined;
  },
): Promise<{ id: string }> {
  const res = (await db.execute(sql`
    insert into contacts (id, workspace_id, name, email, phone)
    values (${input.id}, ${input.workspaceId}, ${input.name ?? null}, ${input.email ?? null}, ${input.phone ?? null})
    on conflict (workspace_id, lower(email)) where email is not null
    do update set name = coalesce(excluded.name, contacts.name),
      phone = coalesce(excluded.phone, contacts.phone),
      updated_at = now()
    returning id`)) as unknown as { rows: { id: string }[] };
  return res.rows[0]!;
}

export async function insertLead(db: Db, row: typeof leads.$inferInsert): Promise<{ id: string }> {
  const [created] = await db.insert(leads).values(row).returning({ id: leads.id });
  return created!;
}

export async function attachContact(db: Db, workspaceId: string, conversationId: string, contactId: string) {
  await db
    .update(conversations)
    .set({ contactId, updatedAt: new Date() })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId)));
}

export async function touchConversation(db: Db, workspaceId: string, id: string, at: Date, status?: string) {
  await db
    .update(conversations)
    .set({ lastMessageAt: at, updatedAt: at, ...(status ? { status } : {}) })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, id)));
}

export function findUsage(db: Db, workspaceId: string, from: string, to: string) {
  return db
    .select({
      day: usageDaily.day,
      agentId: usageDaily.agentId,
      agentName: agents.name,
      provider: usageDaily.provider,
      model: usageDaily.model,
      messages: usageDaily.messages,
      inputTokens: usageDaily.inputTokens,
      outputTokens: usageDaily.outputTokens,
      costUsd: usageDaily.costUsd,
    })
    .from(usageDaily)
    .leftJoin(agents, and(eq(agents.id, usageDaily.agentId), eq(agents.workspaceId, usageDaily.workspaceId)))
    .where(and(eq(usageDaily.workspaceId, workspaceId), gte(usageDaily.day, from), lte(usageDaily.day, to)))
    .orderBy(asc(usageDaily.day));
}
