import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { agents, contacts, conversations, messages } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import type { AgentRow } from "../agents/agents.repo.ts";
import type { ConversationRow, MessageRow } from "../conversations/conversations.repo.ts";

// The widget is public: the agent is found by its public key and a conversation by the hash of
// its visitor token. Those two lookups resolve the tenant; everything after is scoped by the
// workspace id they returned.

/** Roles a visitor sees: internal notes and system records stay in the inbox. */
export const VISITOR_ROLES = ["visitor", "assistant", "operator"];

export async function findAgentByPublicKey(db: Db, publicKey: string): Promise<AgentRow | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.publicKey, publicKey));
  return row;
}

export async function findConversationByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<{ conversation: ConversationRow; agent: AgentRow } | undefined> {
  const [row] = await db
    .select({ conversation: conversations, agent: agents })
    .from(conversations)
    .innerJoin(
      agents,
      and(eq(agents.id, conversations.agentId), eq(agents.workspaceId, conversations.workspaceId)),
    )
    .where(eq(conversations.visitorTokenHash, tokenHash));
  return row;
}

export async function extendVisitorToken(db: Db, workspaceId: string, id: string, expiresAt: Date) {
  await db
    .update(conversations)
    .set({ visitorTokenExpiresAt: expiresAt })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, id)));
}

/** The visitor-visible messages, oldest first, optionally only those after `afterId`. */
export function findVisitorMessages(
  db: Db,
  workspaceId: string,
  conversationId: string,
  afterId: string | undefined,
  limit: number,
): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, workspaceId),
        eq(messages.conversationId, conversationId),
        inArray(messages.role, VISITOR_ROLES),
        afterId
          ? gt(
              messages.seq,
              sql`(select m.seq from messages m where m.id = ${afterId} and m.workspace_id = ${workspaceId} and m.conversation_id = ${conversationId})`,
            )
          : undefined,
      ),
    )
    .orderBy(asc(messages.seq))
    .limit(limit);
}

/** Thumbs up/down on one of the agent's answers in this conversation; false when there is none. */
export async function setAnswerFeedback(
  db: Db,
  where: { workspaceId: string; conversationId: string; messageId: string },
  value: 1 | -1,
): Promise<boolean> {
  const rows = await db
    .update(messages)
    .set({ feedback: value })
    .where(
      and(
        eq(messages.workspaceId, where.workspaceId),
        eq(messages.conversationId, where.conversationId),
        eq(messages.id, where.messageId),
        eq(messages.role, "assistant"),
      ),
    )
    .returning({ id: messages.id });
  return rows.length > 0;
}

export async function setRating(
  db: Db,
  workspaceId: string,
  conversationId: string,
  rating: number,
  comment: string | null,
): Promise<void> {
  await db
    .update(conversations)
    .set({ rating, ratingComment: comment, updatedAt: new Date() })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId)));
}

/** A returning visitor corrects a name or phone without an email (no merge to consider). */
export async function updateContactNameOrPhone(
  db: Db,
  workspaceId: string,
  contactId: string,
  set: { name?: string | undefined; phone?: string | undefined },
): Promise<void> {
  const values = {
    ...(set.name !== undefined ? { name: set.name } : {}),
    ...(set.phone !== undefined ? { phone: set.phone } : {}),
  };
  if (!Object.keys(values).length) return;
  await db
    .update(contacts)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, contactId)));
}
