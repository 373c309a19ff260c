import type { QueueDefinition } from "../../platform/jobs.ts";
import { describeFailure } from "../conversations/call-model.ts";
import { BadEmbeddingsError } from "./embedding-model.ts";
import { recordEmbeddingError } from "./knowledge-settings.repo.ts";
import type { KnowledgeVectors } from "./knowledge-vectors.ts";
import {
  chunksWithoutEmbedding,
  deleteOtherEmbeddings,
  insertEmbeddings,
  workspacesToReembed,
} from "./vector-store.ts";

// Embedding passages: inline during ingestion (a source becomes ready with its vectors), and in
// the background for what ingestion could not do — a model change, or a provider that was down.

export const EMBED_CHUNKS_QUEUE = "knowledge.embed-chunks";
/** Without a workspace: find every workspace whose vectors do not match its model (after a restart). */
export type EmbedJob = { workspaceId?: string };

/** What a passage's vector is computed from: its heading path gives a short passage its topic. */
export function embeddingText(headingPath: string[], content: string): string {
  return [...headingPath, content].join("\n");
}

/** A reason a workspace owner can act on; never the provider's raw text (it may quote the request). */
function failureMessage(err: unknown): string {
  if (err instanceof BadEmbeddingsError) return `The embedding model gave unusable vectors: ${err.message}`;
  return `The embedding model could not be used: ${describeFailure(err).message}`;
}

export type NewEmbeddings = { model: string; vectors: number[][] };

/**
 * Vectors for a source's new passages, in their order. A failing provider does not fail the
 * source: it becomes ready for lexical search, the reason is kept in the workspace's knowledge
 * settings, and `retry` asks for background re-embedding.
 */
export async function embedNewChunks(
  vectors: KnowledgeVectors,
  workspaceId: string,
  texts: string[],
): Promise<{ embeddings: NewEmbeddings | null; retry: boolean }> {
  const embedder = await vectors.embedderFor(workspaceId);
  if (!embedder) return { embeddings: null, retry: false };
  let out: number[][];
  try {
    out = await embedder.embed(texts);
  } catch (err) {
    vectors.logger.warn(
      { failure: describeFailure(err), workspaceId, model: embedder.key },
      "embedding failed; the source is searchable lexically until re-embedding succeeds",
    );
    await recordEmbeddingError(vectors.db, workspaceId, failureMessage(err));
    return { embeddings: null, retry: true };
  }
  await vectors.prepare(out[0]!.length);
  await recordEmbeddingError(vectors.db, workspaceId, null);
  return { embeddings: { model: embedder.key, vectors: out }, retry: false };
}

/**
 * Brings a workspace's vectors in line with its model: vectors of other models go (they are
 * never compared with the new ones anyway), then every passage without a vector of the model is
 * embedded, a batch at a time. Safe to repeat and to run while sources are ingested.
 */
export async function reembedWorkspace(vectors: KnowledgeVectors, workspaceId: string): Promise<number> {
  if (!vectors.enabled) return 0;
  await vectors.ready();
  const embedder = await vectors.embedderFor(workspaceId);
  await deleteOtherEmbeddings(vectors.db, workspaceId, embedder?.key ?? null);
  if (!embedder) return 0;
  let embedded = 0;
  for (;;) {
    const batch = await chunksWithoutEmbedding(
      vectors.db,
      workspaceId,
      embedder.key,
      vectors.config.embedding.batchSize,
    );
    if (batch.length === 0) break;
    // The model changed meanwhile: the job scheduled for the new one does the rest.
    if (embedded > 0 && (await vectors.embedderFor(workspaceId))?.key !== embedder.key) return embedded;
    let out: number[][];
    try {
      out = await embedder.embed(batch.map((c) => embeddingText(c.headingPath, c.content)));
    } catch (err) {
      await recordEmbeddingError(vectors.db, workspaceId, failureMessage(err));
      throw err;
    }
    await vectors.prepare(out[0]!.length);
    await insertEmbeddings(
      vectors.db,
      embedder.key,
      batch.map((c, i) => ({ chunkId: c.id, workspaceId, agentId: c.agentId, vector: out[i]! })),
    );
    embedded += batch.length;
  }
  await recordEmbeddingError(vectors.db, workspaceId, null);
  return embedded;
}

/** Re-embedding in the background, or now when this process runs no jobs. */
export async function scheduleReembed(vectors: KnowledgeVectors, workspaceId: string): Promise<void> {
  if (!vectors.enabled) return;
  if (vectors.jobs) {
    await vectors.jobs.send(EMBED_CHUNKS_QUEUE, { workspaceId } satisfies EmbedJob);
    return;
  }
  await reembedWorkspace(vectors, workspaceId).catch((err: unknown) =>
    vectors.logger.warn({ failure: describeFailure(err), workspaceId }, "re-embedding failed"),
  );
}

export function embeddingQueues(vectors: KnowledgeVectors): QueueDefinition<EmbedJob>[] {
  return [
    {
      name: EMBED_CHUNKS_QUEUE,
      // A provider outage can last: five tries, backing off from a minute.
      retryLimit: 5,
      retryDelaySeconds: 60,
      handler: async (data) => {
        if (!vectors.enabled) return;
        if (data.workspaceId) {
          await reembedWorkspace(vectors, data.workspaceId);
          return;
        }
        await vectors.ready();
        const platform = vectors.config.embedding.model;
        const stale = await workspacesToReembed(
          vectors.db,
          platform ? `${platform.provider}:${platform.model}` : null,
        );
        for (const workspaceId of stale) await scheduleReembed(vectors, workspaceId);
      },
    },
  ];
}
