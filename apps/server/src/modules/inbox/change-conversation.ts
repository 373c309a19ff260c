import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { can } from "../workspaces/roles.ts";
import { findMembership } from "../workspaces/workspaces.repo.ts";
import { findInboxConversation, updateConversationState } from "./inbox.repo.ts";

export type ConversationAction = "takeover" | "handback" | "resolve" | "reopen";

/**
 * The inbox's state changes. Take over: a person holds it and the AI stays quiet. Hand back: the
 * AI answers again. Resolve, and reopen (back to whoever held it). Everyone watching the
 * workspace and the visitor hear the new status.
 */
export async function changeConversation(
  ctx: AppContext,
  workspaceId: string,
  conversationId: string,
  action: ConversationAction,
  userId: string,
) {
  const conv = await findInboxConversation(ctx.database, workspaceId, conversationId);
  if (!conv) throw notFound("Conversation");
  let set: { status: string; assigneeId?: string | null };
  switch (action) {
    case "takeover":
      set = { status: "human", assigneeId: userId };
      break;
    case "handback":
      set = { status: "ai", assigneeId: null };
      break;
    case "resolve":
      if (conv.status === "resolved") throw new AppError("CONFLICT", "The conversation is already resolved");
      set = { status: "resolved" };
      break;
    case "reopen":
      if (conv.status !== "resolved")
        throw new AppError("CONFLICT", "Only a resolved conversation can be reopened");
      set = { status: conv.assigneeId ? "human" : "ai" };
      break;
  }
  return apply(ctx, workspaceId, conversationId, set);
}

/** Gives the conversation to a member who may reply (or to nobody). */
export async function assignConversation(
  ctx: AppContext,
  workspaceId: string,
  conversationId: string,
  assigneeId: string | null,
) {
  if (assigneeId) {
    const m = await findMembership(ctx.db, workspaceId, assigneeId);
    if (!m || !can(m.role, { conversation: ["reply"] })) {
      throw new AppError(
        "VALIDATION_FAILED",
        "The assignee must be a member of this workspace who may reply",
        {
          field: "userId",
        },
      );
    }
  }
  const conv = await findInboxConversation(ctx.database, workspaceId, conversationId);
  if (!conv) throw notFound("Conversation");
  return apply(ctx, workspaceId, conversationId, { status: conv.status, assigneeId });
}

async function apply(
  ctx: AppContext,
  workspaceId: string,
  conversationId: string,
  set: { status: string; assigneeId?: string | null },
) {
  const row = await updateConversationState(ctx.db, workspaceId, conversationId, set, ctx.clock.now());
  if (!row) throw notFound("Conversation");
  ctx.events.emit({
    type: "conversation.updated",
    workspaceId,
    conversationId,
    status: row.status,
    assigneeId: row.assigneeId,
  });
  return (await findInboxConversation(ctx.database, workspaceId, conversationId))!;
}
