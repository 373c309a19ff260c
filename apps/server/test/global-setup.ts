import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openPglite, openPostgres } from "../src/platform/db/client.ts";
import { runMigrations } from "../src/platform/db/migrate.ts";
import { createJobs } from "../src/platform/jobs.ts";
import { silentLogger } from "./silent-logger.ts";

// Builds one migrated database (with pg-boss's schema installed) per test run; every test file
// then gets its own copy: a PGlite loaded from the template's data dump, or, with
// TEST_DATABASE_URL, a PostgreSQL database created from a template database.
// This is the only test code that reads the environment.

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgres: { url: string; template: string; runId: string } | null;
    redisUrl: string | null;
  }
}

async function prepare(database: Awaited<ReturnType<typeof openPglite>>, url?: string) {
  await runMigrations(database);
  const jobs = createJobs(database, { databaseUrl: url, logger: silentLogger });
  await jobs.start();
  await jobs.stop(1000);
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const cacheDir = join(process.cwd(), "node_modules", ".cache", "minichat-test");
  mkdirSync(cacheDir, { recursive: true });

  const tpl = await openPglite({});
  await prepare(tpl);
  const dump = await tpl.dump!();
  const file = join(cacheDir, `template-${runId}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await tpl.close();
  project.provide("pgliteTemplate", file);

  const baseUrl = process.env.TEST_DATABASE_URL;
  let teardownPg: (() => Promise<void>) | undefined;
  if (baseUrl) {
    const template = `mc_tpl_${runId}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    const tplUrl = new URL(baseUrl);
    tplUrl.pathname = `/${template}`;
    const database = await openPostgres(tplUrl.toString(), { max: 2 });
    await prepare(database as never, tplUrl.toString());
    await database.close();
    project.provide("postgres", { url: baseUrl, template, runId });
    teardownPg = async () => {
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1",
        [`mc_%${runId}%`],
      );
      for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await admin.end();
    };
  } else {
    project.provide("postgres", null);
  }
  project.provide("redisUrl", process.env.TEST_REDIS_URL ?? null);

  return async () => {
    await teardownPg?.();
    const { rmSync } = await import("node:fs");
    rmSync(file, { force: true });
  };
}
