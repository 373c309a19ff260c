import { z } from "zod";
import { ZProviderId } from "./agents.ts";

export const ZProviderModel = z.object({
  id: z.string(),
  label: z.string(),
  inputPerMillion: z.number().nullable().meta({ description: "USD per million input tokens, when known" }),
  outputPerMillion: z.number().nullable(),
});

export const ZProviderEntry = z
  .object({
    id: ZProviderId,
    label: z.string(),
    configured: z.boolean(),
    source: z.enum(["builtin", "platform", "workspace"]).nullable().meta({
      description: "Where the credentials come from; workspace credentials win over the platform's",
    }),
    keyHint: z.string().nullable().meta({ description: "Masked workspace key, e.g. sk-…f3Qa" }),
    baseUrl: z.string().nullable(),
    needsApiKey: z.boolean(),
    needsBaseUrl: z.boolean(),
    acceptsAnyModel: z.boolean().meta({ description: "Any model id the provider serves may be used" }),
    models: z.array(ZProviderModel),
  })
  .meta({ id: "Provider" });
export const ZProviderCatalogue = z.object({ providers: z.array(ZProviderEntry) });

export const ZProviderParams = z.strictObject({
  workspaceId: z.string(),
  provider: ZProviderId.exclude(["builtin"]),
});

export const ZSaveProviderRequest = z.strictObject({
  apiKey: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .regex(/^[\x21-\x7e]+$/, "an API key is printable ASCII without spaces")
    .optional(),
  baseUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(500)
    .optional(),
  models: z.array(z.string().trim().min(1).max(200)).max(50).optional().meta({
    description: "Models to offer for this provider (OpenAI-compatible and Ollama servers)",
  }),
  skipCheck: z.boolean().default(false).meta({
    description: "Save without the test call (for a server that is not reachable yet)",
  }),
});
export type TSaveProviderRequest = z.infer<typeof ZSaveProviderRequest>;

export const ZModelPrice = z.object({
  provider: z.string(),
  model: z.string(),
  inputPerMillion: z.number(),
  outputPerMillion: z.number(),
  source: z.enum(["default", "custom"]),
});
export const ZModelPriceList = z.object({ prices: z.array(ZModelPrice) });
export const ZSetModelPriceRequest = z.strictObject({
  provider: z.string().trim().min(1).max(40),
  model: z.string().trim().min(1).max(200),
  inputPerMillion: z.number().min(0).max(10_000),
  outputPerMillion: z.number().min(0).max(10_000),
});
export const ZDeleteModelPriceQuery = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
});
