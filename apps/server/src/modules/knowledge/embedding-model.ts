import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { TEmbeddingProviderId } from "@minichat/contracts";
import { type EmbeddingModel, embedMany } from "ai";
import { ExponentialBackoff, handleWhen, retry, TimeoutStrategy, timeout, wrap } from "cockatiel";
import { createOllama } from "ollama-ai-provider-v2";
import { isTransient } from "../conversations/call-model.ts";
import { type ProviderSettings, sdkSettings } from "../providers/create-language-model.ts";
import { MAX_DIMENSIONS } from "./vector-store.ts";

/** The one place that knows which AI SDK package computes embeddings for which provider. */
export function createEmbeddingModel(
  provider: TEmbeddingProviderId,
  s: ProviderSettings,
  modelId: string,
): EmbeddingModel {
  const common = sdkSettings(s);
  switch (provider) {
    case "openai":
      return createOpenAI(common).embedding(modelId);
    case "ollama":
      return createOllama(common).embedding(modelId);
    case "openai-compatible":
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: s.baseUrl ?? "",
        ...common,
      }).embeddingModel(modelId);
  }
}

/** The provider answered, but not with one usable vector per text. */
export class BadEmbeddingsError extends Error {}

export type TextEmbedder = (texts: string[]) => Promise<number[][]>;

export type EmbedPolicy = {
  batchSize: number;
  /** Retries of a transient failure (429, 5xx, timeout, dropped connection), with backoff. */
  retries: number;
  timeoutMs: number;
  retryInitialDelayMs?: number | undefined;
};

/**
 * Embeds texts in batches, one request at a time (a source of thousands of passages must not
 * fire hundreds of parallel calls at someone's rate limit). Transient failures are retried
 * like a chat call's (call-model.ts); the SDK's own retries are off so the two do not multiply.
 */
export function createTextEmbedder(model: EmbeddingModel, p: EmbedPolicy): TextEmbedder {
  const policy = wrap(
    retry(handleWhen(isTransient), {
      maxAttempts: p.retries,
      backoff: new ExponentialBackoff({ initialDelay: p.retryInitialDelayMs ?? 250, maxDelay: 5_000 }),
    }),
    timeout(p.timeoutMs, TimeoutStrategy.Aggressive),
  );
  return async (texts) => {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += p.batchSize) {
      const batch = texts.slice(i, i + p.batchSize);
      const { embeddings } = await policy.execute(({ signal }) =>
        embedMany({ model, values: batch, maxRetries: 0, abortSignal: signal }),
      );
      out.push(...embeddings);
    }
    assertUsable(out, texts.length);
    return out;
  };
}

/** One finite, non-zero vector per text, all of one size: anything else would corrupt the index. */
function assertUsable(vectors: number[][], expected: number): void {
  if (vectors.length !== expected) {
    throw new BadEmbeddingsError(`the model returned ${vectors.length} vectors for ${expected} texts`);
  }
  const dims = vectors[0]?.length ?? 0;
  for (const v of vectors) {
    if (v.length === 0 || v.length !== dims || dims > MAX_DIMENSIONS) {
      throw new BadEmbeddingsError(
        `the model returned vectors of different sizes (or over ${MAX_DIMENSIONS})`,
      );
    }
    if (!v.every(Number.isFinite) || v.every((x) => x === 0)) {
      throw new BadEmbeddingsError("the model returned an unusable vector");
    }
  }
}
