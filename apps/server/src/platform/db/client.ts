import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { sql } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { type Db as BossDatabase, fromPglite } from "pg-boss";
import * as schema from "../../db/schema/index.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** One database handle for the whole process, whichever engine backs it. */
export type Database = {
  kind: "pglite" | "postgres";
  db: Db;
  /** What to print in logs: never contains a password. */
  label: string;
  /** pgvector is installed (always on PGlite; on PostgreSQL only if the extension exists). */
  vectorAvailable: boolean;
  /** The same database, shaped for pg-boss. */
  jobsAdapter: BossDatabase | undefined;
  /** Raw SQL for the few places that need it (health checks, test setup). */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** PGlite only: a snapshot of the whole data directory (tests clone databases from it). */
  dump: (() => Promise<Blob>) | undefined;
  close(): Promise<void>;
};

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable url)";
  }
}

export async function openPglite(opts: { dataDir?: string; loadDataDir?: Blob }): Promise<Database> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const client = await PGlite.create({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    extensions: { vector },
  });
  await client.exec("CREATE EXTENSION IF NOT EXISTS vector");
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    label: opts.dataDir ? `PGlite at ${opts.dataDir}` : "PGlite (in memory)",
    vectorAvailable: true,
    jobsAdapter: fromPglite(client),
    async query(text, values) {
      const res = await client.query(text, values ?? []);
      return res.rows as never;
    },
    dump: () => client.dumpDataDir("none"),
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: "minichat" });
  // An idle client that errors (e.g. the server restarted) must not crash the process.
  pool.on("error", () => {});
  let vectorAvailable = false;
  try {
    await pool.query("CREATE EXTENSION IF NOT EXISTS vector");
    vectorAvailable = true;
  } catch {
    const { rows } = await pool.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'");
    vectorAvailable = rows.length > 0;
  }
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  return {
    kind: "postgres",
    db,
    label: `PostgreSQL ${redactUrl(url)}`,
    vectorAvailable,
    // pg-boss builds its own pool from the connection string in production.
    jobsAdapter: undefined,
    async query(text, values) {
      const res = await pool.query(text, values ?? []);
      return res.rows as never;
    },
    dump: undefined,
    async close() {
      await pool.end();
    },
  };
}

export async function ping(database: Database): Promise<void> {
  await database.db.execute(sql`select 1`);
}
