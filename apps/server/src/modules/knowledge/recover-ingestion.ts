import { and, inArray, lt } from "drizzle-orm";
import { knowledgeSources } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import type { Jobs, QueueDefinition } from "../../platform/jobs.ts";
import type { Logger } from "../../platform/types.ts";
import { INGEST_SOURCE_QUEUE } from "./ingest-source.ts";

export const RECOVER_SOURCES_QUEUE = "knowledge.recover-sources";

/** Older than this, a queued or processing source with no job behind it is stranded. */
const STRANDED_AFTER_MS = 5 * 60_000;

/**
 * The second safety net for ingestion. A crashed worker's job is retried by pg-boss itself (the
 * ingestion queue has a heartbeat); this sweep catches sources left without any job — the
 * process died between storing a source and queueing it, or a job ran out of attempts because
 * its workers kept dying — and queues them again, so no source stays "processing" for ever.
 */
export async function recoverStrandedSources(
  deps: { db: Db; jobs: Jobs; logger: Logger },
  now = new Date(),
): Promise<number> {
  const candidates = await deps.db
    .select({ id: knowledgeSources.id, workspaceId: knowledgeSources.workspaceId })
    .from(knowledgeSources)
    .where(
      and(
        inArray(knowledgeSources.status, ["queued", "processing"]),
        lt(knowledgeSources.updatedAt, new Date(now.getTime() - STRANDED_AFTER_MS)),
      ),
    )
    .limit(500);
  let requeued = 0;
  for (const s of candidates) {
    if (await deps.jobs.hasPending(INGEST_SOURCE_QUEUE, { sourceId: s.id })) continue;
    await deps.jobs.send(INGEST_SOURCE_QUEUE, { workspaceId: s.workspaceId, sourceId: s.id });
    requeued++;
  }
  if (requeued > 0)
    deps.logger.warn({ requeued }, "re-queued knowledge sources left without an ingestion job");
  return requeued;
}

export function recoveryQueues(deps: { db: Db; jobs: Jobs; logger: Logger }): QueueDefinition<object>[] {
  return [
    {
      name: RECOVER_SOURCES_QUEUE,
      cron: "*/5 * * * *",
      retryLimit: 0,
      handler: async () => {
        await recoverStrandedSources(deps);
      },
    },
  ];
}
