import { z } from "zod";
import { ZConversationChannel, ZConversationStatus, ZMessage } from "./conversations.ts";

export const ZInboxListQuery = z.strictObject({
  status: z
    .union([ZConversationStatus, z.literal("open")])
    .optional()
    .meta({ description: "open = everything not resolved" }),
  channel: ZConversationChannel.optional(),
  agentId: z.string().max(64).optional(),
  assignee: z.string().max(64).optional().meta({ description: "me, none, or a user id" }),
  unread: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: "Text in the messages or the contact" }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export type TInboxListQuery = z.infer<typeof ZInboxListQuery>;

export const ZInboxConversation = z
  .object({
    id: z.string(),
    agentId: z.string(),
    agentName: z.string(),
    channel: z.string(),
    status: ZConversationStatus,
    assigneeId: z.string().nullable(),
    assigneeName: z.string().nullable(),
    unreadCount: z.number().int(),
    contact: z
      .object({
        id: z.string(),
        name: z.string().nullable(),
        email: z.string().nullable(),
        phone: z.string().nullable(),
      })
      .nullable(),
    visitor: z
      .record(z.string(), z.unknown())
      .meta({ description: "Page URL, referrer, language, browser, country" }),
    lastMessage: z.object({ role: z.string(), content: z.string(), createdAt: z.string() }).nullable(),
    rating: z.number().int().nullable(),
    lastMessageAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "InboxConversation" });
export type TInboxConversation = z.infer<typeof ZInboxConversation>;

export const ZInboxList = z.object({
  conversations: z.array(ZInboxConversation),
  nextCursor: z.string().nullable(),
});

export const ZInboxMessage = ZMessage.extend({
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  feedback: z.number().int().nullable(),
}).meta({ id: "InboxMessage" });

export const ZTranscript = z
  .object({ conversation: ZInboxConversation, messages: z.array(ZInboxMessage) })
  .meta({ id: "Transcript" });

export const ZInboxConversationParams = z.strictObject({
  workspaceId: z.string(),
  conversationId: z.string(),
});
export const ZOperatorMessageRequest = z.strictObject({
  content: z
    .string()
    .min(1)
    .max(10_000)
    .meta({ description: "A reply; `/shortcut` alone expands a canned response" }),
});
export const ZAssignRequest = z.strictObject({ userId: z.string().nullable() });

export const ZCannedResponse = z
  .object({
    id: z.string(),
    shortcut: z.string(),
    title: z.string(),
    body: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "CannedResponse" });
export const ZCannedResponseList = z.object({ cannedResponses: z.array(ZCannedResponse) });
const ZShortcut = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{M}\p{N}_-]{1,40}$/u, "letters, digits, _ and - only (no spaces), up to 40")
  .transform((s) => s.toLowerCase());
export const ZCreateCannedResponse = z.strictObject({
  shortcut: ZShortcut,
  title: z.string().trim().min(1).max(100),
  body: z.string().trim().min(1).max(5000),
});
export const ZUpdateCannedResponse = ZCreateCannedResponse.partial();
export const ZCannedResponseParams = z.strictObject({
  workspaceId: z.string(),
  cannedResponseId: z.string(),
});
