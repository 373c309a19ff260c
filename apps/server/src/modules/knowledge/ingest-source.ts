import { and, eq } from "drizzle-orm";
import { knowledgeSources } from "../../db/schema/index.ts";
import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import type { EventBus } from "../../platform/events.ts";
import { newId } from "../../platform/ids.ts";
import type { QueueDefinition } from "../../platform/jobs.ts";
import type { Logger } from "../../platform/types.ts";
import { chunkBlocks } from "./chunk-text.ts";
import { embeddingText, embedNewChunks, scheduleReembed } from "./embed-chunks.ts";
import { extractDocuments } from "./extract-source.ts";
import { ftsConfigFor, ftsDocument } from "./fts-text.ts";
import { IngestError } from "./ingest-error.ts";
import { type NewChunk, replaceChunks, setSourceStatus } from "./knowledge.repo.ts";
import { assertKnowledgeRoom } from "./knowledge-limit.ts";
import type { KnowledgeVectors } from "./knowledge-vectors.ts";

export { IngestError };

export const INGEST_SOURCE_QUEUE = "knowledge.ingest-source";
export type IngestJob = { workspaceId: string; sourceId: string };
export type IngestDeps = {
  db: Db;
  logger: Logger;
  events: EventBus;
  config: Config;
  /** SSRF-guarded fetch for website sources (platform/outbound.ts); fetch-page.ts follows redirects itself. */
  outboundFetch: typeof fetch;
  /** Embeds the passages when the workspace has an embedding model (semantic search). */
  vectors: KnowledgeVectors;
};

/**
 * Parses, chunks and indexes one source. Idempotent: a retry or a restart simply does it again,
 * and the swap of chunks is one transaction, so a source is never left half-indexed. A source
 * that fails keeps its previous chunks (a failed re-sync does not empty the agent's knowledge).
 */
export async function ingestSource(
  deps: IngestDeps,
  job: IngestJob,
  attempt: { lastAttempt: boolean },
): Promise<void> {
  const [source] = await deps.db
    .select()
    .from(knowledgeSources)
    .where(and(eq(knowledgeSources.workspaceId, job.workspaceId), eq(knowledgeSources.id, job.sourceId)));
  if (!source) return; // deleted meanwhile: nothing to do
  const publish = (status: string, error: string | null = null) =>
    deps.events.emit({
      type: "knowledge.source_status",
      workspaceId: source.workspaceId,
      agentId: source.agentId,
      sourceId: source.id,
      status,
      error,
    });
  await setSourceStatus(deps.db, source.workspaceId, source.id, { status: "processing" });
  publish("processing");
  try {
    const rows: NewChunk[] = [];
    const documents = await extractDocuments(deps, source);
    // A website's size is only known once read: it is recorded, and held to the limit, now.
    let sizeBytes: number | undefined;
    if (source.type === "url") {
      sizeBytes = documents.reduce(
        (n, d) => n + d.blocks.reduce((m, b) => m + Buffer.byteLength(b.text), 0),
        0,
      );
      await assertKnowledgeRoom(deps.db, deps.config, source.workspaceId, sizeBytes - source.sizeBytes).catch(
        (err: unknown) => {
          throw err instanceof AppError ? new IngestError(err.message) : err;
        },
      );
    }
    for (const doc of documents) {
      for (const c of chunkBlocks(doc.blocks)) {
        const indexed = [...c.headingPath, c.content].join("\n");
        rows.push({
          id: newId("chk"),
          position: rows.length,
          headingPath: c.headingPath,
          location: doc.location,
          content: c.content,
          ftsConfig: ftsConfigFor(c.content),
          document: ftsDocument(indexed),
          tokens: c.tokens,
        });
      }
    }
    if (rows.length === 0) throw new IngestError("The source has no text to learn from");
    // Vectors go in with the chunks, so a ready source is searchable by meaning at once. A
    // failing embedding provider leaves it ready for lexical search and retries in the background.
    const { embeddings, retry } = await embedNewChunks(
      deps.vectors,
      source.workspaceId,
      rows.map((r) => embeddingText(r.headingPath, r.content)),
    );
    await replaceChunks(deps.db, source, rows, sizeBytes, embeddings ?? undefined);
    // The model may have changed while this source was embedded; the re-embedding job for the
    // new one may have run before these chunks existed.
    const changed =
      embeddings && (await deps.vectors.embedderFor(source.workspaceId))?.key !== embeddings.model;
    if ((retry && deps.vectors.jobs) || changed) await scheduleReembed(deps.vectors, source.workspaceId);
    publish("ready");
  } catch (err) {
    const known = err instanceof IngestError;
    deps.logger.warn({ err, sourceId: source.id }, "knowledge source failed to ingest");
    // An unexpected error may pass with a retry; only the last attempt marks the source failed.
    if (known || attempt.lastAttempt) {
      const reason = known ? err.message : "The source could not be processed; try re-syncing it";
      await setSourceStatus(deps.db, source.workspaceId, source.id, { status: "failed", error: reason });
      publish("failed", reason);
      return;
    }
    throw err;
  }
}

export function ingestionQueues(deps: IngestDeps): QueueDefinition<IngestJob>[] {
  return [
    {
      name: INGEST_SOURCE_QUEUE,
      retryLimit: 3,
      retryDelaySeconds: 10,
      // A worker that dies mid-ingestion stops heartbeating; pg-boss then retries the job.
      heartbeatSeconds: 30,
      handler: (data, job) => ingestSource(deps, data, job),
    },
  ];
}
