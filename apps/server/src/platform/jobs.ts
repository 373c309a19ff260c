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
  /**
   * A job whose worker stops sending heartbeats for this long (the process crashed or was
   * killed) is failed by pg-boss's supervisor and retried, so it is never stuck as active.
   * Minimum 10; the worker refreshes at half the interval.
   */
  heartbeatSeconds?: number;
  /** Cron expression (UTC): pg-boss sends an empty job on this schedule, once across all nodes. */
  cron?: string;
  /** "exclusive": one job per singletonKey queued or running at a time (a second send is dropped). */
  policy?: "standard" | "exclusive";
  handler: JobHandler<T>;
};

export type JobsOptions = {
  databaseUrl?: string | undefined;
  logger: Logger;
  /** How often pg-boss looks for jobs whose worker died (default 60 s; tests shorten it). */
  superviseIntervalSeconds?: number | undefined;
};

export type Jobs = {
  label: string;
  start(): Promise<void>;
  /** Registers queues (idempotent) so `send` works; with `work: true` also processes them. */
  register(queues: QueueDefinition<never>[], opts: { work: boolean }): Promise<void>;
  /** Returns the job id, or null when an exclusive queue already holds a job with this singletonKey. */
  send<T extends object>(queue: string, data: T, opts?: { singletonKey?: string }): Promise<string | null>;
  /** Whether a job of this queue whose data contains `data` is waiting, retrying or running. */
  hasPending(queue: string, data: object): Promise<boolean>;
  /** Stops polling, waits for running jobs (up to timeoutMs), then returns. */
  stop(timeoutMs: number): Promise<void>;
};

export function createJobs(database: Database, opts: JobsOptions): Jobs {
  const supervise = opts.superviseIntervalSeconds
    ? { superviseIntervalSeconds: opts.superviseIntervalSeconds }
    : {};
  const boss =
    database.kind === "pglite"
      ? new PgBoss({ db: database.jobsAdapter!, backend: "pglite", schema: "pgboss", ...supervise })
      : new PgBoss({
          connectionString: opts.databaseUrl!,
          schema: "pgboss",
          max: 5,
          application_name: "minichat-jobs",
          ...supervise,
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
          ...(q.policy ? { policy: q.policy } : {}),
          ...(q.heartbeatSeconds ? { heartbeatSeconds: q.heartbeatSeconds } : {}),
        });
        if (q.cron) await boss.schedule(q.name, q.cron);
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
    send(queue, data, opts) {
      return opts?.singletonKey
        ? boss.send(queue, data, { singletonKey: opts.singletonKey })
        : boss.send(queue, data);
    },
    async hasPending(queue, data) {
      const found = await boss.findJobs(queue, { data, limit: 100 });
      return found.some((j) => j.state === "created" || j.state === "retry" || j.state === "active");
    },
    async stop(timeoutMs) {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: Math.max(1000, timeoutMs), close: true });
    },
  };
}
