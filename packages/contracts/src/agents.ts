import { z } from "zod";
import { ZId } from "./common.ts";
import { ZAllowedOrigins, ZWidgetSettings } from "./widget.ts";

export const UNKNOWN_ANSWER_BEHAVIOURS = ["say-so", "offer-human", "capture-lead"] as const;
export const ZUnknownAnswerBehaviour = z.enum(UNKNOWN_ANSWER_BEHAVIOURS);
export const ZAgentStatus = z.enum(["draft", "live"]);
export const ZAgentLanguage = z.enum(["auto", "en", "th", "ru"]);

/** Provider ids: `builtin` is the offline responder, the rest go through the AI SDK. */
export const PROVIDER_IDS = [
  "builtin",
  "openai",
  "anthropic",
  "google",
  "groq",
  "openrouter",
  "deepseek",
  "ollama",
  "openai-compatible",
] as const;
export const ZProviderId = z.enum(PROVIDER_IDS);
export type TProviderId = z.infer<typeof ZProviderId>;
export const BUILTIN_MODEL_LABEL = "Built-in (no AI model)";

const ZModelName = z.string().trim().min(1).max(200);
const ZQuickAnswer = z.strictObject({
  question: z.string().trim().min(1).max(500),
  answer: z.string().trim().min(1).max(4000),
});

const agentFields = {
  name: z.string().trim().min(1, "name is required").max(80),
  instructions: z
    .string()
    .max(20_000)
    .meta({ description: "System prompt: who the agent is and how it should answer" }),
  provider: ZProviderId,
  model: ZModelName,
  temperature: z.number().min(0).max(2),
  maxTokens: z.number().int().min(16).max(32_000),
  fallback: z
    .strictObject({ provider: ZProviderId, model: ZModelName })
    .nullable()
    .meta({ description: "Model to switch to when the main one fails" }),
  welcomeMessage: z.string().trim().max(1000).nullable(),
  suggestedQuestions: z.array(z.string().trim().min(1).max(200)).max(10),
  quickAnswers: z
    .array(ZQuickAnswer)
    .max(100)
    .meta({ description: "Short Q&A pairs the agent always knows (also used by the built-in responder)" }),
  language: ZAgentLanguage.meta({ description: "Reply language; auto follows the visitor" }),
  unknownAnswerBehaviour: ZUnknownAnswerBehaviour,
  status: ZAgentStatus,
  widget: ZWidgetSettings.meta({
    description: "Widget appearance and behaviour; on update the given keys replace the stored ones",
  }),
  allowedOrigins: ZAllowedOrigins,
};

export const ZCreateAgentRequest = z.strictObject({
  ...agentFields,
  instructions: agentFields.instructions.default(""),
  provider: agentFields.provider.optional().meta({ description: "Default: the platform's default model" }),
  model: agentFields.model.optional(),
  temperature: agentFields.temperature.default(0.3),
  maxTokens: agentFields.maxTokens.default(1024),
  fallback: agentFields.fallback.default(null),
  welcomeMessage: agentFields.welcomeMessage.default(null),
  suggestedQuestions: agentFields.suggestedQuestions.default([]),
  quickAnswers: agentFields.quickAnswers.default([]),
  language: agentFields.language.default("auto"),
  unknownAnswerBehaviour: agentFields.unknownAnswerBehaviour.default("say-so"),
  status: agentFields.status.default("draft"),
  widget: agentFields.widget.default({}),
  allowedOrigins: agentFields.allowedOrigins.default([]),
});
export type TCreateAgentRequest = z.infer<typeof ZCreateAgentRequest>;

export const ZUpdateAgentRequest = z
  .strictObject({
    ...agentFields,
    rotatePublicKey: z
      .literal(true)
      .optional()
      .meta({ description: "Issue a new public key (old embeds stop working)" }),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");
export type TUpdateAgentRequest = z.infer<typeof ZUpdateAgentRequest>;

export const ZAgent = z
  .object({
    id: ZId("agt"),
    workspaceId: ZId("ws"),
    name: z.string(),
    instructions: z.string(),
    provider: ZProviderId,
    model: z.string(),
    modelLabel: z
      .string()
      .meta({ description: `Display name of the model ("${BUILTIN_MODEL_LABEL}" for builtin)` }),
    temperature: z.number(),
    maxTokens: z.number().int(),
    fallback: z.object({ provider: ZProviderId, model: z.string() }).nullable(),
    welcomeMessage: z.string().nullable(),
    suggestedQuestions: z.array(z.string()),
    quickAnswers: z.array(z.object({ question: z.string(), answer: z.string() })),
    language: ZAgentLanguage,
    unknownAnswerBehaviour: ZUnknownAnswerBehaviour,
    publicKey: z.string().meta({ description: "Identifies the agent to the website widget" }),
    status: ZAgentStatus,
    widget: ZWidgetSettings,
    allowedOrigins: z.array(z.string()),
    identitySecretSet: z
      .boolean()
      .meta({ description: "Identity verification is on (the secret itself is shown only when created)" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Agent" });
export type TAgent = z.infer<typeof ZAgent>;
export const ZAgentList = z.object({ agents: z.array(ZAgent) });
export const ZAgentParams = z.strictObject({ workspaceId: ZId("ws"), agentId: ZId("agt") });

// ── Custom HTTP actions ───────────────────────────────────────────────────────────────────────

// A light structural check of the parameters' JSON Schema: providers refuse malformed tool
// schemas, and an agent whose every turn fails on its action is worse than a 400 on save.
const ZJsonSchemaProperty: z.ZodType<Record<string, unknown>> = z.lazy(() =>
  z.looseObject({
    type: z
      .union([
        z.enum(["string", "number", "integer", "boolean", "object", "array", "null"]),
        z.array(z.enum(["string", "number", "integer", "boolean", "object", "array", "null"])),
      ])
      .optional(),
    description: z.string().optional(),
    enum: z.array(z.unknown()).optional(),
    properties: z.record(z.string(), ZJsonSchemaProperty).optional(),
    items: ZJsonSchemaProperty.optional(),
    required: z.array(z.string()).optional(),
  }),
);
const ZJsonSchemaObject = z
  .looseObject({
    type: z.literal("object"),
    properties: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "parameter names: letters, digits, _"),
        ZJsonSchemaProperty,
      )
      .optional(),
    required: z.array(z.string()).optional(),
  })
  .refine(
    (s) => (s.required ?? []).every((name) => name in (s.properties ?? {})),
    "every name in required must be one of the properties",
  )
  .meta({ description: "JSON Schema (type: object) of the parameters the model must supply" });

const actionFields = {
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/, "lower-case letters, digits and _ (a tool name the model sees)")
    .refine(
      (n) => !["capture_lead", "handoff_to_human"].includes(n),
      "this name is reserved for a built-in tool",
    ),
  description: z.string().trim().min(1).max(1000),
  parameters: ZJsonSchemaObject,
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2000),
  headers: z
    .record(
      z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "invalid header name"),
      z
        .string()
        .max(4000)
        .regex(/^[\t\x20-\x7e]*$/, "header values must be printable ASCII (no line breaks)"),
    )
    .meta({ description: "Sent with every call (e.g. Authorization). Stored encrypted; never returned." }),
  timeoutMs: z.number().int().min(500).max(30_000),
  enabled: z.boolean(),
};

export const ZCreateActionRequest = z.strictObject({
  ...actionFields,
  parameters: actionFields.parameters.default({ type: "object", properties: {} }),
  method: actionFields.method.default("POST"),
  headers: actionFields.headers.default({}),
  timeoutMs: actionFields.timeoutMs.default(10_000),
  enabled: actionFields.enabled.default(true),
});
// No defaults here: a PATCH changes only what it names (and keeps stored headers).
export const ZUpdateActionRequest = z
  .strictObject(actionFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");
export type TCreateActionRequest = z.infer<typeof ZCreateActionRequest>;
export type TUpdateActionRequest = z.infer<typeof ZUpdateActionRequest>;
export const ZAction = z
  .object({
    id: ZId("act"),
    agentId: ZId("agt"),
    name: z.string(),
    description: z.string(),
    parameters: z.record(z.string(), z.unknown()),
    method: z.string(),
    url: z.string(),
    headerNames: z
      .array(z.string())
      .meta({ description: "Names of the stored headers; values are never returned" }),
    timeoutMs: z.number().int(),
    enabled: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "AgentAction" });
export const ZActionList = z.object({ actions: z.array(ZAction) });
export const ZActionParams = ZAgentParams.extend({ actionId: ZId("act") });
