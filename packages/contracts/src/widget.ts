import { z } from "zod";
import { ZId, ZLocale } from "./common.ts";
import { ZConversationStatus } from "./conversations.ts";

// The website widget: the agent's appearance settings (owners edit them with the agent) and the
// public visitor API the embedded widget talks to (no account; a visitor token per conversation).

export const ZHexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour as #rrggbb");

/** `https://shop.example` or `http://localhost:8080`: scheme, host and port, nothing else. */
export const ZOrigin = z
  .string()
  .trim()
  .max(300)
  .regex(
    /^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?$/,
    "an origin such as https://shop.example (scheme, host and optional port; no path)",
  )
  .transform((o) => o.toLowerCase());

export const ZWidgetProactive = z.strictObject({
  enabled: z.boolean(),
  delaySeconds: z.number().int().min(0).max(3600),
  urlPatterns: z.array(z.string().trim().min(1).max(300)).max(20).meta({
    description: "Glob patterns (* = anything) matched against the page URL or its path; empty = every page",
  }),
  message: z.string().trim().max(500).nullable(),
});

export const ZWidgetSettings = z
  .strictObject({
    color: ZHexColor.optional(),
    position: z.enum(["bottom-right", "bottom-left"]).optional(),
    theme: z.enum(["light", "dark", "auto"]).optional(),
    avatarUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .max(2000)
      .nullable()
      .optional(),
    displayName: z.string().trim().min(1).max(80).nullable().optional(),
    defaultLocale: ZLocale.optional(),
    requireContactForm: z.boolean().optional(),
    proactive: ZWidgetProactive.optional(),
  })
  .meta({ id: "WidgetSettings", description: "How the website widget looks and behaves" });
export type TWidgetSettings = z.infer<typeof ZWidgetSettings>;

export const ZAllowedOrigins = z
  .array(ZOrigin)
  .max(50)
  .meta({ description: "Origins the widget may run on; empty = any website" });

export const ZIdentitySecret = z.object({
  secret: z.string().meta({
    description:
      "HMAC-SHA256 key for identity verification: userHash = hex(HMAC(userId, secret)). Shown once.",
  }),
});

// ── Public visitor API ─────────────────────────────────────────────────────────────────────────

export const ZWidgetPublicKeyParams = z.strictObject({ publicKey: z.string().min(1).max(100) });

export const ZWidgetConfig = z
  .object({
    agentName: z.string(),
    avatarUrl: z.string().nullable(),
    color: z.string(),
    position: z.enum(["bottom-right", "bottom-left"]),
    theme: z.enum(["light", "dark", "auto"]),
    welcomeMessage: z.string().nullable(),
    suggestedQuestions: z.array(z.string()),
    defaultLocale: ZLocale,
    requireContactForm: z.boolean(),
    proactive: ZWidgetProactive.nullable(),
  })
  .meta({ id: "WidgetConfig" });
export type TWidgetConfig = z.infer<typeof ZWidgetConfig>;

export const ZStartVisitorConversationRequest = z.strictObject({
  pageUrl: z.string().max(2000).optional(),
  referrer: z.string().max(2000).optional(),
  locale: z.string().max(35).optional(),
  userId: z.string().min(1).max(200).optional(),
  userHash: z.string().max(200).optional().meta({
    description: "hex HMAC-SHA256 of userId with the agent's identity secret; unsigned ids are ignored",
  }),
});
export type TStartVisitorConversationRequest = z.infer<typeof ZStartVisitorConversationRequest>;

export const ZVisitorSession = z
  .object({
    conversationId: ZId("cnv"),
    visitorToken: z
      .string()
      .meta({ description: "Send as `Authorization: Bearer …` on the conversation's routes" }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "VisitorSession" });
export type TVisitorSession = z.infer<typeof ZVisitorSession>;

export const ZVisitorConversationParams = z.strictObject({ conversationId: ZId("cnv") });
export const ZVisitorMessageParams = ZVisitorConversationParams.extend({ messageId: ZId("msg") });

export const ZVisitorCitation = z.object({
  index: z.number().int(),
  title: z.string(),
  url: z.string().nullable(),
});

export const ZVisitorMessage = z
  .object({
    id: ZId("msg"),
    role: z.enum(["visitor", "assistant", "operator"]),
    content: z.string(),
    citations: z.array(ZVisitorCitation),
    feedback: z.union([z.literal(1), z.literal(-1)]).nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "VisitorMessage" });
export type TVisitorMessage = z.infer<typeof ZVisitorMessage>;

export const ZVisitorMessageList = z.object({
  messages: z.array(ZVisitorMessage),
  status: ZConversationStatus,
  rating: z.number().int().nullable(),
  hasContact: z.boolean(),
});
export type TVisitorMessageList = z.infer<typeof ZVisitorMessageList>;
export const ZVisitorMessageListQuery = z.strictObject({
  after: ZId("msg").optional().meta({ description: "Only messages after this one (polling)" }),
});

export const ZVisitorSendMessageRequest = z.strictObject({ content: z.string() });

/** The answer to a visitor message (JSON, or the SSE `done` event). No usage or cost. */
export const ZVisitorTurnResult = z
  .object({
    conversationId: ZId("cnv"),
    status: ZConversationStatus,
    visitorMessageId: ZId("msg"),
    message: z
      .object({ id: ZId("msg"), content: z.string(), citations: z.array(ZVisitorCitation) })
      .nullable()
      .meta({ description: "null while a person handles the conversation (the AI stays quiet)" }),
  })
  .meta({ id: "VisitorTurnResult" });
export type TVisitorTurnResult = z.infer<typeof ZVisitorTurnResult>;

export const ZVisitorFeedbackRequest = z.strictObject({ value: z.union([z.literal(1), z.literal(-1)]) });
export const ZVisitorRatingRequest = z.strictObject({
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(2000).optional(),
});
export const ZVisitorContactRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().max(320).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^[+()\d\s.-]{5,32}$/, "a phone number")
      .optional(),
  })
  .refine((v) => v.email || v.phone, "an email or a phone number is required");
export type TVisitorContactRequest = z.infer<typeof ZVisitorContactRequest>;
export const ZVisitorHandoffRequest = z.strictObject({ reason: z.string().trim().max(500).optional() });
export const ZVisitorStatus = z.object({ status: ZConversationStatus });
