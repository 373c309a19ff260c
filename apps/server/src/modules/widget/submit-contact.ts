import type { TVisitorContactRequest } from "@minichat/contracts";
import type { AppContext } from "../../platform/context.ts";
import { captureLead } from "../conversations/agent-tools.ts";
import { mergeContactByEmail } from "../leads/index.ts";
import type { Visitor } from "./visitor-access.ts";
import { updateContactNameOrPhone } from "./widget.repo.ts";

/**
 * The visitor's contact form (or pre-chat form). The first time it makes a lead exactly as the
 * agent's capture_lead tool does (contact merged by email, lead.captured for the team); later
 * corrections go to the same contact, merging it into another one that already has the email.
 */
export async function submitContact(
  ctx: AppContext,
  visitor: Visitor,
  body: TVisitorContactRequest,
): Promise<void> {
  const { workspaceId, conversation, agent } = visitor;
  if (!conversation.contactId) {
    await captureLead(ctx.engine, { workspaceId, conversationId: conversation.id, agent }, body);
    return;
  }
  if (body.email) {
    await mergeContactByEmail(
      { db: ctx.db, audit: ctx.audit, events: ctx.events },
      {
        workspaceId,
        contactId: conversation.contactId,
        email: body.email,
        name: body.name,
        phone: body.phone,
        actorUserId: null,
      },
    );
    return;
  }
  await updateContactNameOrPhone(ctx.db, workspaceId, conversation.contactId, body);
}
