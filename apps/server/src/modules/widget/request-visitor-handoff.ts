import type { AppContext } from "../../platform/context.ts";
import { requestHandoff } from "../conversations/agent-tools.ts";
import type { Visitor } from "./visitor-access.ts";

/**
 * "Talk to a human": the same path as the agent's handoff_to_human tool (status waiting_human,
 * conversation.handoff_requested for the team). Asking again while a person is on the way or
 * already there changes nothing and notifies no one twice.
 */
export async function requestVisitorHandoff(
  ctx: AppContext,
  visitor: Visitor,
  reason: string | undefined,
): Promise<string> {
  const { conversation, agent, workspaceId } = visitor;
  if (conversation.status === "waiting_human" || conversation.status === "human") return conversation.status;
  await requestHandoff(
    ctx.engine,
    { workspaceId, conversationId: conversation.id, agent },
    reason ? `The visitor asked for a person: ${reason}` : "The visitor asked for a person",
  );
  return "waiting_human";
}
