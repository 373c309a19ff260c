import { createBillingProviders } from "./modules/billing/billing-providers.ts";
import { billingEventQueues } from "./modules/billing/process-billing-event.ts";
import { billingQueues } from "./modules/billing/roll-periods.ts";
import { createMailer, type Mailer } from "./modules/email/index.ts";
import { EMBED_CHUNKS_QUEUE, embeddingQueues } from "./modules/knowledge/embed-chunks.ts";
import { ingestionQueues } from "./modules/knowledge/ingest-source.ts";
import { createKnowledgeVectors } from "./modules/knowledge/knowledge-vectors.ts";
import { recoveryQueues } from "./modules/knowledge/recover-ingestion.ts";
import type { Config } from "./platform/config.ts";
import { createKeyRing } from "./platform/crypto.ts";
import type { Database } from "./platform/db/client.ts";
import { maintenanceQueues } from "./platform/db/maintenance.ts";
import { createEventBus, type EventBus } from "./platform/events.ts";
import { createJobs, type Jobs } from "./platform/jobs.ts";
import { createOutboundFetch } from "./platform/outbound.ts";
import { type Logger, systemClock } from "./platform/types.ts";

/** Knobs for tests: a dead worker is noticed within seconds instead of a minute. */
export type WorkerOptions = {
  superviseIntervalSeconds?: number;
  ingestHeartbeatSeconds?: number;
  /** false: queues are registered so jobs can be sent, but this process runs none. */
  work?: boolean;
};

/**
 * Starts pg-boss and the workers of every queue. The one place queues are registered, used by
 * `minichat start`, `minichat worker` and tests that need background work.
 */
export async function startWorkers(
  database: Database,
  config: Config,
  logger: Logger,
  opts: WorkerOptions = {},
): Promise<{ jobs: Jobs; mailer: Mailer; events: EventBus }> {
  const jobs = createJobs(database, {
    databaseUrl: config.databaseUrl,
    logger,
    superviseIntervalSeconds: opts.superviseIntervalSeconds,
  });
  await jobs.start();
  const mailer = createMailer({
    db: database.db,
    smtpUrl: config.smtpUrl,
    from: config.emailFrom,
    config,
    logger,
    jobs,
  });
  const events = createEventBus((err, event) =>
    logger.error({ err, event: event.type }, "event listener failed"),
  );
  const outboundFetch = createOutboundFetch({ allowPrivate: config.allowPrivateUrls });
  const vectors = createKnowledgeVectors({
    database,
    config,
    keyRing: createKeyRing(config.secretKey, config.previousSecretKeys),
    outboundFetch,
    logger,
    jobs,
  });
  const billing = {
    db: database.db,
    config,
    mailer,
    events,
    clock: systemClock,
    logger,
    providers: createBillingProviders(config, logger),
  };
  await jobs.register(
    [
      ...mailer.queues,
      ...ingestionQueues({
        db: database.db,
        logger,
        events,
        config,
        outboundFetch,
        vectors,
      }).map((q) =>
        opts.ingestHeartbeatSeconds ? { ...q, heartbeatSeconds: opts.ingestHeartbeatSeconds } : q,
      ),
      ...recoveryQueues({ db: database.db, jobs, logger }),
      ...maintenanceQueues(database),
      ...billingQueues(billing),
      ...billingEventQueues(billing),
      ...Object.values(billing.providers).flatMap((p) => p.queues?.(billing) ?? []),
      ...embeddingQueues(vectors),
    ] as never,
    { work: opts.work ?? true },
  );
  // The platform's embedding model may have changed since the last start: workspaces using it
  // are re-embedded in the background.
  if (vectors.enabled && config.embedding.model) await jobs.send(EMBED_CHUNKS_QUEUE, {});
  return { jobs, mailer, events };
}
