import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** A startup problem the operator can fix; the CLI prints its message without a stack trace. */
export class StartupError extends Error {}
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
  /**
   * Raw SQL for the few places that need it (health checks, test setup, the hot statements of a
   * conversation turn). With a `name`, PostgreSQL keeps the statement prepared per connection,
   * so it is parsed and planned once instead of on every call.
   */
  query<T = Record<string, unknown>>(text: string, values?: unknown[], name?: string): Promise<T[]>;
  /**
   * Runs `fn` on one connection holding a cluster-wide advisory lock, so work such as migrations
   * happens once even when several nodes start together. (PGlite has one connection anyway.)
   */
  exclusive<T>(lockId: number, fn: (db: Db) => Promise<T>): Promise<T>;
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

/**
 * PGlite is a single-process database: a second process opening the same files would corrupt
 * them. A pid file next to the data directory refuses that with a clear message.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(lockFile, "utf8").trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new StartupError(
          `The embedded database in ${dataDir} is in use by another MiniChat process (pid ${pid}). ` +
            "Stop it first, or use the HTTP API while it runs (e.g. GET /api/v1/admin/outbox).",
        );
      }
      rmSync(lockFile, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function openPglite(opts: { dataDir?: string; loadDataDir?: Blob }): Promise<Database> {
  let unlock = () => {};
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    unlock = lockDataDir(opts.dataDir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      extensions: { vector },
    });
  } catch (err) {
    unlock();
    throw err;
  }
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
    exclusive: (_lockId, fn) => fn(db),
    dump: () => client.dumpDataDir("none"),
    async close() {
      if (!client.closed) await client.close();
      unlock();
    },
  };
}

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: "minichat" });
  // An idle client that errors (e.g. the server restarted) must not crash the process.
  pool.on("error", () => {});
  try {
    await pool.query("SELECT 1");
  } catch (err) {
    await pool.end();
    throw new StartupError(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
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
    async query(text, values, name) {
      const res = name
        ? await pool.query({ name, text, values: values ?? [] })
        : await pool.query(text, values ?? []);
      return res.rows as never;
    },
    async exclusive(lockId, fn) {
      const conn = await pool.connect();
      try {
        await conn.query("SELECT pg_advisory_lock($1)", [lockId]);
        try {
          return await fn(drizzleNodePg({ client: conn, schema }) as unknown as Db);
        } finally {
          await conn.query("SELECT pg_advisory_unlock($1)", [lockId]);
        }
      } finally {
        conn.release();
      }
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
