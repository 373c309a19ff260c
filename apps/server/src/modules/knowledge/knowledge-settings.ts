import type {
  TEmbeddingChoice,
  TKnowledgeSettings,
  TUpdateKnowledgeSettingsRequest,
} from "@minichat/contracts";
import { AppError } from "../../platform/errors.ts";
import { describeFailure } from "../conversations/call-model.ts";
import { scheduleReembed } from "./embed-chunks.ts";
import { BadEmbeddingsError } from "./embedding-model.ts";
import { countChunks, findKnowledgeSettings, saveEmbeddingChoice } from "./knowledge-settings.repo.ts";
import type { KnowledgeVectors } from "./knowledge-vectors.ts";
import { embeddingCoverage } from "./vector-store.ts";

/** A workspace's semantic-search settings and how far its passages are embedded. */
export async function getKnowledgeSettings(
  vectors: KnowledgeVectors,
  workspaceId: string,
): Promise<TKnowledgeSettings> {
  const [row, resolution, totalChunks] = await Promise.all([
    findKnowledgeSettings(vectors.db, workspaceId),
    vectors.resolve(workspaceId),
    countChunks(vectors.db, workspaceId),
  ]);
  let coverage = { embedded: 0, dims: null as number | null };
  if (vectors.enabled && resolution?.embedder) {
    await vectors.ready();
    coverage = await embeddingCoverage(vectors.db, workspaceId, resolution.embedder.key);
  }
  const { provider, model, source } = resolution?.choice ?? {};
  return {
    embedding:
      row?.embeddingProvider && row.embeddingModel
        ? { provider: row.embeddingProvider as TEmbeddingChoice["provider"], model: row.embeddingModel }
        : null,
    effective: resolution?.embedder && provider && model && source ? { provider, model, source } : null,
    semanticSearch: !vectors.enabled ? "unavailable" : resolution?.embedder ? "on" : "off",
    dimensions: coverage.dims,
    embeddedChunks: coverage.embedded,
    totalChunks,
    lastError: resolution?.problem ?? row?.embeddingError ?? null,
  };
}

/**
 * Sets (or clears, falling back to the platform's) the workspace's embedding model. The model
 * is tried with one short text first, so a wrong name or key is a clear 422 now rather than a
 * silent lexical-only search later. Saving schedules re-embedding: passages get vectors of the
 * new model and lose the old ones; saving the same model again retries what failed.
 */
export async function updateKnowledgeSettings(
  vectors: KnowledgeVectors,
  workspaceId: string,
  body: TUpdateKnowledgeSettingsRequest,
): Promise<TKnowledgeSettings> {
  if (body.embedding) {
    const resolution = await vectors.forChoice(workspaceId, { ...body.embedding, source: "workspace" });
    if (!resolution?.embedder) {
      throw new AppError("PROVIDER_NOT_CONFIGURED", resolution?.problem ?? "The provider is not configured", {
        provider: body.embedding.provider,
      });
    }
    try {
      await resolution.embedder.embedQuery("MiniChat checks that this embedding model works.");
    } catch (err) {
      const reason = err instanceof BadEmbeddingsError ? err.message : describeFailure(err).message;
      throw new AppError("PROVIDER_CHECK_FAILED", `The embedding model could not be used: ${reason}`, {
        provider: body.embedding.provider,
        model: body.embedding.model,
      });
    }
  }
  await saveEmbeddingChoice(vectors.db, workspaceId, body.embedding);
  await scheduleReembed(vectors, workspaceId);
  return getKnowledgeSettings(vectors, workspaceId);
}
