import type { AppContext } from "../../platform/context.ts";
import { notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import {
  findCannedByShortcut,
  findInboxConversation,
  insertStaffMessage,
  updateConversationState,
} from "./inbox.repo.ts";

/**
 * An operator's reply (the visitor sees it live) or an internal note (only the team does). A
 * reply is a takeover: the conversation becomes the operator's and the AI stops answering.
 * A message that is only `/shortcut` is replaced by that canned response.
 */
export async function postStaffMessage(
  ctx: AppContext,
  input: {
    workspaceId: string;
    conversationId: string;
    role: "operator" | "note";
    content: string;
    author: { id: string; name: string };
  },
) {
  const conv = await findInboxConversation(ctx.database, input.workspaceId, input.conversationId);
  if (!conv) throw notFound("Conversation");
  let content = input.content.trim();
  const shortcut = /^\/([\p{L}\p{M}\p{N}_-]{1,40})$/u.exec(content)?.[1];
  if (shortcut) {
    const canned = await findCannedByShortcut(ctx.db, input.workspaceId, shortcut);
    if (canned) content = canned.body;
  }
  const at = ctx.clock.now();
  const row = await insertStaffMessage(
    ctx.db,
    {
      id: newId("msg"),
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      role: input.role,
      content,
      authorId: input.author.id,
    },
    at,
  );
  ctx.events.emit({
    type: "message.posted",
    workspaceId: input.workspaceId,
    message: {
      id: row.id,
      conversationId: row.conversationId,
      role: row.role,
      content: row.content,
      createdAt: row.createdAt.toISOString(),
      authorName: input.author.name,
    },
  });
  if (input.role === "operator" && (conv.status !== "human" || !conv.assigneeId)) {
    const updated = await updateConversationState(
      ctx.db,
      input.workspaceId,
      input.conversationId,
      { status: "human", assigneeId: conv.assigneeId ?? input.author.id },
      at,
    );
    if (updated) {
      ctx.events.emit({
        type: "conversation.updated",
        workspaceId: input.workspaceId,
        conversationId: input.conversationId,
        status: updated.status,
        assigneeId: updated.assigneeId,
      });
    }
  }
  return { row, authorName: input.author.name };
}
