import { z } from "zod";
import { ZId } from "./common.ts";

/** What an API key may do. Later capabilities check these scopes. */
export const API_KEY_SCOPES = [
  "workspace:read",
  "agents:read",
  "agents:write",
  "conversations:read",
  "conversations:write",
  "knowledge:read",
  "knowledge:write",
  // Leads and their contacts.
  "leads:read",
  "leads:write",
] as const;
export const ZApiKeyScope = z.enum(API_KEY_SCOPES);
export type TApiKeyScope = z.infer<typeof ZApiKeyScope>;

export const ZCreateApiKeyRequest = z.strictObject({
  name: z.string().trim().min(1, "name is required").max(80),
  scopes: z
    .array(ZApiKeyScope)
    .min(1, "give the key at least one scope")
    .default([...API_KEY_SCOPES])
    .transform((s) => [...new Set(s)]),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .meta({ description: "Omit for a key that never expires" }),
});
export type TCreateApiKeyRequest = z.infer<typeof ZCreateApiKeyRequest>;

export const ZApiKey = z
  .object({
    id: ZId("key"),
    name: z.string(),
    prefix: z.string().meta({ description: "First characters of the key, to tell keys apart" }),
    scopes: z.array(ZApiKeyScope),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "ApiKey" });
export type TApiKey = z.infer<typeof ZApiKey>;

export const ZCreatedApiKey = ZApiKey.extend({
  key: z.string().meta({ description: "The secret key. Shown only once: store it now." }),
}).meta({ id: "CreatedApiKey" });
export const ZApiKeyList = z.object({ apiKeys: z.array(ZApiKey) });
export const ZApiKeyParams = z.strictObject({ workspaceId: ZId("ws"), keyId: ZId("key") });
