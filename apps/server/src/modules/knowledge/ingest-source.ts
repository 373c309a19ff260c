import { and, eq } from "drizzle-orm";
import { knowledgeSources } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import type { EventBus } from "../../platform/events.ts";
import { newId } from "../../platform/ids.ts";
import type { QueueDefinition } from "../../platform/jobs.ts";
import type { Logger } from "../../platform/types.ts";
import { type Block, blocksFromText, chunkBlocks } from "./chunk-text.ts";
import { ftsConfigFor, ftsDocument } from "./fts-text.ts";
import { type NewChunk, replaceChunks, setSourceStatus } from "./knowledge.repo.ts";

export const INGEST_SOURCE_QUEUE = "knowledge.ingest-source";
export type IngestJob = { workspaceId: string; sourceId: string };
export type IngestDeps = { db: Db; logger: Logger; events: EventBus };

/** A failure the person who added the source can act on, shown as the source's error. */
export class IngestError extends Error {}

function blocksOf(type: string, input: Record<string, unknown>): Block[] {
  if (type === "text") return blocksFromText(String(input.text ?? ""));
  if (type === "qa") {
    const pairs = (input.pairs ?? []) as { question: string; answer: string }[];
    return pairs.map((p) => ({ kind: "record" as const, text: `Q: ${p.question}\nA: ${p.answer}` }));
  }
  throw new IngestError(`Sources of type "${type}" cannot be processed by this version`);
}

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
    const chunks = chunkBlocks(blocksOf(source.type, source.input));
    if (chunks.length === 0) throw new IngestError("The source has no text to learn from");
    const rows: NewChunk[] = chunks.map((c) => {
      const indexed = [...c.headingPath, c.content].join("\n");
      return {
        id: newId("chk"),
        position: c.position,
        headingPath: c.headingPath,
        content: c.content,
        ftsConfig: ftsConfigFor(c.content),
        document: ftsDocument(indexed),
        tokens: c.tokens,
      };
    });
    await replaceChunks(deps.db, source, rows);
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
      handler: (data, job) => ingestSource(deps, data, job),
    },
  ];
}
