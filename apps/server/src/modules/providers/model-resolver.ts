import type { TProviderId } from "@minichat/contracts";
import type { LanguageModel } from "ai";
import { type Config, LLM_PROVIDERS, type LlmProviderId } from "../../platform/config.ts";
import type { KeyRing } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { CATALOGUE, providerInfo } from "./catalogue.ts";
import { createLanguageModel } from "./create-language-model.ts";
import { type CredentialRow, findCredential, findCredentials } from "./credentials.repo.ts";
import type { PriceBook } from "./prices.ts";

export type ResolvedModel = {
  model: LanguageModel;
  provider: LlmProviderId;
  modelId: string;
  /** Circuit breakers are per credential: one workspace's bad key must not trip everyone's. */
  breakerKey: string;
};

export type CatalogueEntry = {
  id: TProviderId;
  label: string;
  configured: boolean;
  source: "builtin" | "platform" | "workspace" | null;
  keyHint: string | null;
  baseUrl: string | null;
  needsApiKey: boolean;
  needsBaseUrl: boolean;
  acceptsAnyModel: boolean;
  models: { id: string; label: string; inputPerMillion: number | null; outputPerMillion: number | null }[];
};

export type ModelResolver = {
  /** `preloaded`: the workspace's credentials when the caller already has them (a turn does). */
  resolve(
    workspaceId: string,
    provider: string,
    modelId: string,
    preloaded?: CredentialRow[],
  ): Promise<ResolvedModel>;
  catalogue(workspaceId: string): Promise<CatalogueEntry[]>;
};

export const credentialContext = (workspaceId: string, provider: string) =>
  `provider-key:${workspaceId}:${provider}`;

export function isLlmProvider(id: string): id is LlmProviderId {
  return (LLM_PROVIDERS as readonly string[]).includes(id);
}

export function createModelResolver(deps: {
  db: Db;
  config: Config;
  keyRing: KeyRing;
  prices: PriceBook;
  /** SSRF-guarded fetch for URLs a workspace entered; platform URLs are the operator's own. */
  outboundFetch: typeof fetch;
}): ModelResolver {
  const { config } = deps;

  function fromCredential(row: CredentialRow, provider: LlmProviderId, modelId: string): ResolvedModel {
    const apiKey = row.apiKeySealed
      ? deps.keyRing.open(row.apiKeySealed, credentialContext(row.workspaceId, provider))
      : undefined;
    return {
      model: createLanguageModel(
        provider,
        { apiKey, baseUrl: row.baseUrl ?? undefined, fetch: deps.outboundFetch },
        modelId,
      ),
      provider,
      modelId,
      // Versioned: a corrected key must not inherit the open breaker of the wrong one.
      breakerKey: `ws:${row.id}:${row.updatedAt.getTime()}`,
    };
  }

  return {
    async resolve(workspaceId, provider, modelId, preloaded) {
      if (!isLlmProvider(provider)) {
        throw new AppError("PROVIDER_NOT_CONFIGURED", `Unknown provider "${provider}"`);
      }
      const row = preloaded
        ? preloaded.find((c) => c.workspaceId === workspaceId && c.provider === provider)
        : await findCredential(deps.db, workspaceId, provider);
      if (row) return fromCredential(row, provider, modelId);
      const env = config.providers[provider];
      if (env) {
        return {
          model: createLanguageModel(provider, { apiKey: env.apiKey, baseUrl: env.baseUrl }, modelId),
          provider,
          modelId,
          breakerKey: `env:${provider}`,
        };
      }
      throw new AppError(
        "PROVIDER_NOT_CONFIGURED",
        `${providerInfo(provider)?.label ?? provider} is not configured: add a key in the workspace's providers or set it for the platform`,
        { provider },
      );
    },

    async catalogue(workspaceId) {
      const rows = new Map((await findCredentials(deps.db, workspaceId)).map((r) => [r.provider, r]));
      const out: CatalogueEntry[] = [];
      for (const info of CATALOGUE) {
        const row = rows.get(info.id);
        const env = isLlmProvider(info.id) ? config.providers[info.id] : undefined;
        const source = info.id === "builtin" ? "builtin" : row ? "workspace" : env ? "platform" : null;
        const extra = row?.models.length ? row.models : (env?.models ?? []);
        const ids = [...new Set([...info.models.map((m) => m.id), ...extra])];
        const models = await Promise.all(
          ids.map(async (id) => {
            const price = await deps.prices.priceOf(info.id, id);
            return {
              id,
              label: info.models.find((m) => m.id === id)?.label ?? id,
              inputPerMillion: price?.inputPerMillion ?? null,
              outputPerMillion: price?.outputPerMillion ?? null,
            };
          }),
        );
        out.push({
          id: info.id,
          label: info.label,
          configured: source !== null,
          source,
          keyHint: row?.keyHint ?? null,
          // Only the workspace's own URL is shown; the platform's endpoints are the operator's business.
          baseUrl: row?.baseUrl ?? null,
          needsApiKey: info.needsApiKey,
          needsBaseUrl: info.needsBaseUrl,
          acceptsAnyModel: info.acceptsAnyModel,
          models,
        });
      }
      return out;
    },
  };
}

/** `sk-proj-abc…f3Qa`: enough to tell keys apart, never enough to use one. */
export function maskKey(key: string): string {
  if (key.length <= 8) return "…";
  return `${key.slice(0, Math.min(7, Math.floor(key.length / 4)))}…${key.slice(-4)}`;
}
