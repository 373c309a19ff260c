import { createMailer, type Mailer } from "./modules/email/index.ts";
import { ingestionQueues, websiteFetch } from "./modules/knowledge/ingest-source.ts";
import type { Config } from "./platform/config.ts";
import type { Database } from "./platform/db/client.ts";
import { createEventBus, type EventBus } from "./platform/events.ts";
import { createJobs, type Jobs } from "./platform/jobs.ts";
import type { Logger } from "./platform/types.ts";

/**
 * Starts pg-boss and the workers of every queue. The one place queues are registered, used by
 * `minichat start`, `minichat worker` and tests that need background work.
 */
export async function startWorkers(
  database: Database,
  config: Config,
  logger: Logger,
): Promise<{ jobs: Jobs; mailer: Mailer; events: EventBus }> {
  const jobs = createJobs(database, { databaseUrl: config.databaseUrl, logger });
  await jobs.start();
  const mailer = createMailer({
    db: database.db,
    smtpUrl: config.smtpUrl,
    from: config.emailFrom,
    logger,
    jobs,
  });
  const events = createEventBus((err, event) =>
    logger.error({ err, event: event.type }, "event listener failed"),
  );
  await jobs.register(
    [
      ...mailer.queues,
      ...ingestionQueues({ db: database.db, logger, events, config, outboundFetch: websiteFetch(config) }),
    ] as never,
    {
      work: true,
    },
  );
  return { jobs, mailer, events };
}
