import type { QueueDefinition } from "../jobs.ts";
import type { Database } from "./client.ts";

export const ANALYZE_QUEUE = "maintenance.vacuum-analyze";

/**
 * PGlite has no autovacuum: without this its planner never gets statistics (knowledge search at
 * 100k passages took 303 ms at p95 instead of 37 ms, bench/RESULTS.md) and deleted rows are never
 * reclaimed. PostgreSQL's autovacuum does both, so there the queue does not exist.
 */
export function maintenanceQueues(database: Database): QueueDefinition<object>[] {
  if (database.kind !== "pglite") return [];
  return [
    {
      name: ANALYZE_QUEUE,
      cron: "*/15 * * * *",
      retryLimit: 0,
      handler: async () => {
        await database.query("VACUUM ANALYZE");
      },
    },
  ];
}
