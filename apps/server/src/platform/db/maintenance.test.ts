import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/harness.ts";
import { maintenanceQueues } from "./maintenance.ts";

describe("database maintenance", () => {
  it("on PGlite, gives the planner statistics (VACUUM ANALYZE); on PostgreSQL autovacuum does", async () => {
    const database = await createTestDatabase();
    try {
      const queues = maintenanceQueues(database);
      if (database.kind === "postgres") {
        expect(queues).toEqual([]);
        return;
      }
      expect(queues.map((q) => q.cron)).toEqual(["*/15 * * * *"]);
      const analysed = () =>
        database.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE relname = 'knowledge_chunks' AND last_analyze IS NOT NULL",
        );
      expect((await analysed())[0]!.n).toBe(0);
      const ac = new AbortController();
      await queues[0]!.handler({}, { id: "j", attempt: 1, lastAttempt: true, signal: ac.signal });
      expect((await analysed())[0]!.n).toBe(1);
    } finally {
      await database.close();
    }
  });
});
