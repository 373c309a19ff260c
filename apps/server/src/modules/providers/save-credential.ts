import type { TSaveProviderRequest } from "@minichat/contracts";
import type { LlmProviderId } from "../../platform/config.ts";
import type { KeyRing } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { assertOutboundUrl, type OutboundPolicy } from "../../platform/outbound.ts";
import { providerInfo } from "./catalogue.ts";
import { checkCredential } from "./check-credential.ts";
import { type CredentialRow, findCredential, upsertCredential } from "./credentials.repo.ts";
import { credentialContext, maskKey } from "./model-resolver.ts";

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/** Validates, tests (one cheap call) and stores a workspace's provider credentials, key sealed. */
export async function saveCredential(
  deps: { db: Db; keyRing: KeyRing; outboundFetch: typeof fetch; outboundPolicy: OutboundPolicy },
  input: { workspaceId: string; provider: LlmProviderId; userId: string | null; body: TSaveProviderRequest },
): Promise<CredentialRow> {
  const info = providerInfo(input.provider)!;
  const existing = await findCredential(deps.db, input.workspaceId, input.provider);
  // A PUT without apiKey keeps the stored key (so the URL or models can change on their own).
  const apiKey =
    input.body.apiKey ??
    (existing?.apiKeySealed
      ? deps.keyRing.open(existing.apiKeySealed, credentialContext(input.workspaceId, input.provider))
      : undefined);
  const baseUrl = input.body.baseUrl ?? existing?.baseUrl ?? undefined;
  // The stored key goes only where it was entered for: a new server must be given its key.
  if (
    !input.body.apiKey &&
    existing?.apiKeySealed &&
    input.body.baseUrl &&
    originOf(input.body.baseUrl) !== originOf(existing.baseUrl ?? info.defaultBaseUrl ?? "")
  ) {
    throw new AppError(
      "VALIDATION_FAILED",
      "Send the apiKey again when moving the provider to another server",
      {
        field: "apiKey",
      },
    );
  }
  if (info.needsApiKey && !apiKey) {
    throw new AppError("VALIDATION_FAILED", `${info.label} needs an apiKey`, { field: "apiKey" });
  }
  if (info.needsBaseUrl && !baseUrl) {
    throw new AppError("VALIDATION_FAILED", `${info.label} needs a baseUrl`, { field: "baseUrl" });
  }
  if (baseUrl) await assertOutboundUrl(baseUrl, deps.outboundPolicy);

  let models = input.body.models ?? existing?.models ?? [];
  if (!input.body.skipCheck) {
    const listed = await checkCredential(input.provider, { apiKey, baseUrl }, deps.outboundFetch);
    // Self-hosted servers tell us what they serve; offer that unless the caller chose.
    if (!input.body.models && info.needsBaseUrl && listed.length) models = listed.slice(0, 50);
  }
  return upsertCredential(deps.db, {
    id: existing?.id ?? newId("prv"),
    workspaceId: input.workspaceId,
    provider: input.provider,
    apiKeySealed: apiKey
      ? deps.keyRing.seal(apiKey, credentialContext(input.workspaceId, input.provider))
      : null,
    keyHint: apiKey ? maskKey(apiKey) : null,
    baseUrl: baseUrl ?? null,
    models,
    createdBy: input.userId,
  });
}
