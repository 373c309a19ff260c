import { PgBoss } from "pg-boss";
import type { Database } from "./db/client.ts";
import type { Logger } from "./types.ts";

// Background jobs run on pg-boss in the same database as everything else: PGlite in embedded
// mode (through pg-boss's own PGlite adapter), PostgreSQL in production.

/** `lastAttempt`: no retry follows if this attempt fails, so the handler can record a final failure. */
export type JobAttempt = { id: string; attempt: number; lastAttempt: boolean; signal: AbortSignal };
export type JobHandler<T> = (data: T, job: JobAttempt) => Promise<void>;

export type QueueDefinition<T> = {
  name: string;
  retryLimit?: number;
  retryDelaySeconds?: number;
  handler: JobHandler<T>;
};

export type Jobs = {
  label: string;
  start(): Promise<void>;
  /** Registers queues (idempotent) so `send` works; with `work: true` also processes them. */
  register(queues: QueueDefinition<never>[], opts: { work: boolean }): Promise<void>;
  send<T extends object>(queue: string, data: T): Promise<string | null>;
  /** Stops polling, waits for running jobs (up to timeoutMs), then returns. */
  stop(timeoutMs: number): Promise<void>;
};

export function createJobs(database: Database, opts: { databaseUrl?: string; logger: Logger }): Jobs {
  const boss =
    database.kind === "pglite"
      ? new PgBoss({ db: database.jobsAdapter!, backend: "pglite", schema: "pgboss" })
      : new PgBoss({
          connectionString: opts.databaseUrl!,
          schema: "pgboss",
          max: 5,
          application_name: "minichat-jobs",
        });
  boss.on("error", (err) => opts.logger.error({ err }, "job queue error"));
  let started = false;
  return {
    label: `pg-boss on ${database.kind === "pglite" ? "PGlite" : "PostgreSQL"} (schema pgboss)`,
    async start() {
      await boss.start();
      started = true;
    },
    async register(queues, { work }) {
      for (const q of queues) {
        await boss.createQueue(q.name, {
          retryLimit: q.retryLimit ?? 5,
          retryDelay: q.retryDelaySeconds ?? 10,
          retryBackoff: true,
        });
        if (work) {
          await boss.work(q.name, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => {
            for (const job of jobs) {
              const log = opts.logger.child({ job: job.id, queue: q.name });
              try {
                const retryLimit = q.retryLimit ?? 5;
                await q.handler(job.data as never, {
                  id: job.id,
                  attempt: job.retryCount + 1,
                  lastAttempt: job.retryCount >= retryLimit,
                  signal: job.signal,
                });
              } catch (err) {
                log.warn({ err }, "job failed; pg-boss will retry it if attempts remain");
                throw err;
              }
            }
          });
        }
      }
    },
    send(queue, data) {
      return boss.send(queue, data);
    },
    async stop(timeoutMs) {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: Math.max(1000, timeoutMs), close: true });
    },
  };
}
