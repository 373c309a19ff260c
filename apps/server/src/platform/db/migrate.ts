import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { Database } from "./client.ts";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../db/migrations", import.meta.url));

/** Applies pending SQL migrations (idempotent; safe to run on every start). */
const MIGRATION_LOCK = 7_272_727;

export async function runMigrations(database: Database): Promise<void> {
  // drizzle's migrator takes no lock of its own; several nodes starting at once must not race.
  await database.exclusive(MIGRATION_LOCK, async (db) => {
    if (database.kind === "pglite") {
      await migratePglite(db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
    } else {
      await migrateNodePg(db as unknown as NodePgDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
    }
  });
}

function expectedMigrations(): number {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, "utf8")) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

/** For /readyz: how many of the shipped migrations the database has. */
export async function migrationStatus(database: Database): Promise<{ applied: number; expected: number }> {
  const expected = expectedMigrations();
  try {
    const rows = await database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations",
    );
    return { applied: rows[0]?.n ?? 0, expected };
  } catch {
    return { applied: 0, expected };
  }
}
