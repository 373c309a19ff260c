import { z } from "zod";
import { ZId } from "./common.ts";

export const ZConversationChannel = z.enum(["test", "api", "widget"]);
export const ZConversationStatus = z.enum(["ai", "waiting_human", "human", "resolved"]);
export const ZMessageRole = z.enum(["visitor", "assistant", "operator", "system", "note"]);

export const ZCitation = z
  .object({
    index: z.number().int().meta({ description: "The [n] marker in the answer" }),
    sourceId: z.string(),
    passageId: z.string(),
    title: z.string(),
    url: z.string().nullable(),
    quote: z.string(),
  })
  .meta({ id: "Citation" });

export const ZUsage = z
  .object({
    provider: z.string(),
    model: z.string(),
    modelLabel: z.string(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
    latencyMs: z.number().int(),
  })
  .meta({ id: "TurnUsage" });

export const ZMessage = z
  .object({
    id: ZId("msg"),
    conversationId: ZId("cnv"),
    role: ZMessageRole,
    content: z.string(),
    status: z.enum(["complete", "partial", "failed"]),
    citations: z.array(ZCitation),
    toolCalls: z.array(
      z.object({
        name: z.string(),
        input: z.unknown(),
        output: z.unknown().optional(),
        error: z.string().optional(),
      }),
    ),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
    latencyMs: z.number().int().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Message" });
export type TMessage = z.infer<typeof ZMessage>;

export const ZConversation = z
  .object({
    id: ZId("cnv"),
    agentId: ZId("agt"),
    channel: ZConversationChannel,
    status: ZConversationStatus,
    metadata: z.record(z.string(), z.unknown()),
    contactId: z.string().nullable(),
    lastMessageAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Conversation" });

/** The answer of one turn, as JSON (the SSE `done` event carries the same fields). */
export const ZTurnResult = z
  .object({
    conversationId: ZId("cnv"),
    status: ZConversationStatus,
    message: z
      .object({
        id: ZId("msg"),
        content: z.string(),
        citations: z.array(ZCitation),
        status: z.enum(["complete", "partial", "failed"]),
      })
      .nullable()
      .meta({ description: "null when a human handles the conversation (the AI stays quiet)" }),
    usage: ZUsage.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: "TurnResult" });
export type TTurnResult = z.infer<typeof ZTurnResult>;

/** The test chat also shows what retrieval found, to explain an answer (or a missing one). */
export const ZTestChatResult = ZTurnResult.extend({
  retrieved: z
    .array(
      z.object({
        sourceId: z.string(),
        passageId: z.string(),
        title: z.string(),
        text: z.string(),
        score: z.number().meta({ description: "0..1: share of the question's terms the passage matched" }),
      }),
    )
    .optional()
    .meta({ description: "Always sent by the test chat (empty while a human handles the conversation)" }),
}).meta({ id: "TestChatResult" });

export const ZTestChatRequest = z.strictObject({
  message: z.string(),
  conversationId: ZId("cnv")
    .optional()
    .meta({ description: "Continue this test conversation; omit to start a new one" }),
});

export const ZCreateConversationRequest = z.strictObject({
  agentId: ZId("agt"),
  metadata: z
    .record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
    .refine((m) => Object.keys(m).length <= 20, "at most 20 metadata keys")
    .default({}),
});
export const ZConversationParams = z.strictObject({ conversationId: ZId("cnv") });
export const ZSendMessageRequest = z.strictObject({
  content: z.string(),
  stream: z.boolean().default(false).meta({ description: "Answer as server-sent events" }),
});
export const ZMessageList = z.object({ messages: z.array(ZMessage), nextCursor: z.string().nullable() });
export const ZMessageListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const ZUsageQuery = z.strictObject({
  from: z.iso.date().optional().meta({ description: "First day (UTC), default 30 days ago" }),
  to: z.iso.date().optional().meta({ description: "Last day (UTC), inclusive, default today" }),
});
const ZUsageTotals = z.object({
  messages: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
});
export const ZUsageReport = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    totals: ZUsageTotals,
    byModel: z.array(
      ZUsageTotals.extend({ provider: z.string(), model: z.string(), modelLabel: z.string() }),
    ),
    byAgent: z.array(ZUsageTotals.extend({ agentId: z.string(), agentName: z.string().nullable() })),
    byDay: z.array(ZUsageTotals.extend({ day: z.iso.date() })),
  })
  .meta({ id: "UsageReport" });
