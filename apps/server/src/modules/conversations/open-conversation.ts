import type { conversations } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import type { EventBus } from "../../platform/events.ts";
import { type ConversationRow, insertConversation } from "./conversations.repo.ts";

/** Starts a conversation on any channel and tells the inbox it exists. */
export async function openConversation(
  deps: { db: Db; events: EventBus },
  row: typeof conversations.$inferInsert,
): Promise<ConversationRow> {
  const created = await insertConversation(deps.db, row);
  deps.events.emit({
    type: "conversation.created",
    workspaceId: created.workspaceId,
    conversationId: created.id,
    agentId: created.agentId,
    channel: created.channel,
  });
  return created;
}
