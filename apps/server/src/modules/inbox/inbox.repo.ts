import type { TInboxConversation, TInboxListQuery } from "@minichat/contracts";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { cannedResponses, conversations, members, messages, users } from "../../db/schema/index.ts";
import type { Database, Db } from "../../platform/db/client.ts";

// The inbox's reads and writes. Every statement is scoped by workspace.

type ListRow = {
  id: string;
  agent_id: string;
  agent_name: string;
  channel: string;
  status: string;
  assignee_id: string | null;
  assignee_name: string | null;
  unread_count: number;
  contact_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  metadata: Record<string, unknown> | string;
  rating: number | null;
  last_role: string | null;
  last_content: string | null;
  last_at: string | Date | null;
  last_message_at: string | Date | null;
  created_at: string | Date;
  sort_at: string | Date;
};

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

const SELECT = `
  select c.id, c.agent_id, a.name as agent_name, c.channel, c.status, c.assignee_id, u.name as assignee_name,
    c.unread_count, c.contact_id, ct.name as contact_name, ct.email as contact_email, ct.phone as contact_phone,
    c.metadata, c.rating, lm.role as last_role, lm.content as last_content, lm.created_at as last_at,
    c.last_message_at, c.created_at, coalesce(c.last_message_at, c.created_at) as sort_at
  from conversations c
  join agents a on a.id = c.agent_id
  left join users u on u.id = c.assignee_id
  left join contacts ct on ct.id = c.contact_id
  left join lateral (
    select m.role, left(m.content, 200) as content, m.created_at from messages m
    where m.conversation_id = c.id and m.workspace_id = c.workspace_id and m.role <> 'note'
    order by m.seq desc limit 1
  ) lm on true`;

function toInboxConversation(r: ListRow): TInboxConversation {
  const metadata = typeof r.metadata === "string" ? JSON.parse(r.metadata) : (r.metadata ?? {});
  return {
    id: r.id,
    agentId: r.agent_id,
    agentName: r.agent_name,
    channel: r.channel,
    status: r.status as TInboxConversation["status"],
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    unreadCount: Number(r.unread_count),
    contact: r.contact_id
      ? { id: r.contact_id, name: r.contact_name, email: r.contact_email, phone: r.contact_phone }
      : null,
    visitor: (metadata.visitor as Record<string, unknown> | undefined) ?? metadata,
    lastMessage: r.last_role
      ? { role: r.last_role, content: r.last_content ?? "", createdAt: iso(r.last_at)! }
      : null,
    rating: r.rating,
    lastMessageAt: iso(r.last_message_at),
    createdAt: iso(r.created_at)!,
  };
}

export function encodeCursor(sortAt: string, id: string): string {
  return Buffer.from(`${sortAt}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { at: string; id: string } | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  if (!at || !id || Number.isNaN(Date.parse(at))) return null;
  return { at, id };
}

export async function listInbox(
  database: Database,
  workspaceId: string,
  userId: string | null,
  q: TInboxListQuery,
): Promise<{ conversations: TInboxConversation[]; nextCursor: string | null } | null> {
  const where = ["c.workspace_id = $1"];
  const params: unknown[] = [workspaceId];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (q.status === "open") where.push("c.status <> 'resolved'");
  else if (q.status) add((n) => `c.status = ${n}`, q.status);
  if (q.channel) add((n) => `c.channel = ${n}`, q.channel);
  if (q.agentId) add((n) => `c.agent_id = ${n}`, q.agentId);
  if (q.assignee === "none") where.push("c.assignee_id is null");
  else if (q.assignee) add((n) => `c.assignee_id = ${n}`, q.assignee === "me" ? userId : q.assignee);
  if (q.unread === true) where.push("c.unread_count > 0");
  if (q.unread === false) where.push("c.unread_count = 0");
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    add(
      (n) => `(ct.name ilike ${n} or ct.email ilike ${n} or ct.phone ilike ${n} or exists (
        select 1 from messages s where s.conversation_id = c.id and s.workspace_id = c.workspace_id
          and s.content ilike ${n}))`,
      like,
    );
  }
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    if (!c) return null;
    params.push(c.at, c.id);
    where.push(
      `(coalesce(c.last_message_at, c.created_at), c.id) < ($${params.length - 1}::timestamptz, $${params.length})`,
    );
  }
  params.push(q.limit + 1);
  const rows = await database.query<ListRow>(
    `${SELECT} where ${where.join(" and ")}
     order by coalesce(c.last_message_at, c.created_at) desc, c.id desc limit $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    conversations: page.map(toInboxConversation),
    nextCursor: rows.length > q.limit && last ? encodeCursor(iso(last.sort_at)!, last.id) : null,
  };
}

export async function findInboxConversation(
  database: Database,
  workspaceId: string,
  conversationId: string,
): Promise<TInboxConversation | undefined> {
  const [row] = await database.query<ListRow>(`${SELECT} where c.workspace_id = $1 and c.id = $2`, [
    workspaceId,
    conversationId,
  ]);
  return row ? toInboxConversation(row) : undefined;
}

export async function findTranscriptMessages(db: Db, workspaceId: string, conversationId: string) {
  return db
    .select({ m: messages, authorName: users.name })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorId))
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.conversationId, conversationId)))
    .orderBy(asc(messages.seq))
    .limit(1000);
}

export async function markRead(db: Db, workspaceId: string, conversationId: string) {
  await db
    .update(conversations)
    .set({ unreadCount: 0 })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId)));
}

/** Sets status and assignee; returns the row, or nothing when the conversation isn't there. */
export async function updateConversationState(
  db: Db,
  workspaceId: string,
  conversationId: string,
  set: { status?: string; assigneeId?: string | null },
  at: Date,
) {
  const [row] = await db
    .update(conversations)
    .set({ ...set, updatedAt: at })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId)))
    .returning();
  return row;
}

export async function insertStaffMessage(
  db: Db,
  m: {
    id: string;
    workspaceId: string;
    conversationId: string;
    role: "operator" | "note";
    content: string;
    authorId: string;
  },
  at: Date,
) {
  const [row] = await db
    .insert(messages)
    .values({ ...m, createdAt: at })
    .returning();
  if (m.role === "operator") {
    await db
      .update(conversations)
      .set({ lastMessageAt: at, updatedAt: at })
      .where(and(eq(conversations.workspaceId, m.workspaceId), eq(conversations.id, m.conversationId)));
  }
  return row!;
}

/** Members who may answer conversations, with their roles. */
export async function findRepliers(db: Db, workspaceId: string) {
  return db
    .select({
      userId: members.userId,
      role: members.role,
      email: users.email,
      name: users.name,
      locale: users.locale,
    })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(
      and(eq(members.organizationId, workspaceId), inArray(members.role, ["owner", "admin", "operator"])),
    );
}

/** Open conversations each of these users holds (round-robin picks the least loaded). */
export async function countOpenAssigned(db: Db, workspaceId: string, userIds: string[]) {
  if (!userIds.length) return new Map<string, number>();
  const rows = await db
    .select({ userId: conversations.assigneeId, n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        inArray(conversations.assigneeId, userIds),
        inArray(conversations.status, ["waiting_human", "human"]),
      ),
    )
    .groupBy(conversations.assigneeId);
  return new Map(rows.map((r) => [r.userId!, Number(r.n)]));
}

export async function findCannedByShortcut(db: Db, workspaceId: string, shortcut: string) {
  const [row] = await db
    .select()
    .from(cannedResponses)
    .where(
      and(
        eq(cannedResponses.workspaceId, workspaceId),
        sql`lower(${cannedResponses.shortcut}) = ${shortcut.toLowerCase()}`,
      ),
    );
  return row;
}
