#!/usr/bin/env node
// The `minichat` command: start | worker | migrate | create-admin | outbox | reseal.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { buildApp } from "./app.ts";
import { createAdmin } from "./modules/admin/create-admin.ts";
import { resealSecrets } from "./modules/admin/reseal-secrets.ts";
import { createAudit } from "./modules/audit/index.ts";
import { findLatestEmails } from "./modules/email/index.ts";
import { type Config, ConfigError, loadConfig, loadDotEnv } from "./platform/config.ts";
import { createKeyRing } from "./platform/crypto.ts";
import { type Database, openPglite, openPostgres, StartupError } from "./platform/db/client.ts";
import { runMigrations } from "./platform/db/migrate.ts";
import { REDACT_PATHS } from "./platform/logger.ts";
import { openRedis } from "./platform/redis.ts";
import { startWorkers } from "./workers.ts";

const USAGE = `Usage: minichat <command>

Commands:
  start                      Run the server (HTTP API + background jobs). Applies migrations first.
  worker                     Run background jobs only (scale these out in production).
  migrate                    Apply database migrations and exit.
  create-admin --email E     Make E a platform admin (creates the account if needed;
               [--name N] [--password P]   prints a generated password when none is given).
  outbox [--limit N] [--to E]  Print the latest emails from the local outbox.
  reseal                     Re-encrypt stored secrets (provider keys, action headers) under the
                             current SECRET_KEY after a rotation.

Configuration comes from environment variables; see .env.example.`;

function logger(config: Config) {
  return pino({
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    base: { service: "minichat" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

async function openDatabase(config: Config): Promise<Database> {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl)
    : openPglite({ dataDir: join(config.dataDir, "pg") });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  let config: Config;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`minichat: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  switch (command) {
    case "start":
      return start(config, { http: true });
    case "worker":
      return start(config, { http: false });
    case "migrate": {
      const log = logger(config);
      const database = await openDatabase(config);
      await runMigrations(database);
      log.info({ database: database.label }, "migrations applied");
      await database.close();
      return 0;
    }
    case "create-admin": {
      const { values } = parseArgs({
        args: rest,
        options: { email: { type: "string" }, name: { type: "string" }, password: { type: "string" } },
      });
      if (!values.email) {
        process.stderr.write("minichat create-admin: --email is required\n");
        return 2;
      }
      const log = logger(config);
      const database = await openDatabase(config);
      await runMigrations(database);
      try {
        const result = await createAdmin({
          config,
          db: database.db,
          email: values.email,
          name: values.name,
          password: values.password,
          logger: log,
          audit: createAudit(database.db, log),
        });
        process.stdout.write(
          result.created
            ? `Created platform admin ${result.email}${result.generatedPassword ? ` with password: ${result.generatedPassword}\n(shown once; change it after signing in)` : ""}\n`
            : `${result.email} is now a platform admin\n`,
        );
        return 0;
      } catch (err) {
        process.stderr.write(`minichat create-admin: ${(err as Error).message}\n`);
        return 1;
      } finally {
        await database.close();
      }
    }
    case "outbox": {
      const { values } = parseArgs({
        args: rest,
        options: { limit: { type: "string" }, to: { type: "string" } },
      });
      const limit = Math.min(200, Math.max(1, Number(values.limit ?? 10) || 10));
      const database = await openDatabase(config);
      await runMigrations(database);
      const rows = await findLatestEmails(database.db, { limit, ...(values.to ? { to: values.to } : {}) });
      if (rows.length === 0) process.stdout.write("The outbox is empty.\n");
      for (const e of rows) {
        process.stdout.write(
          `── ${e.createdAt.toISOString()}  ${e.status}  to ${e.to}\nSubject: ${e.subject}\n\n${e.text}\n`,
        );
      }
      await database.close();
      return 0;
    }
    case "reseal": {
      const database = await openDatabase(config);
      await runMigrations(database);
      try {
        const keyRing = createKeyRing(config.secretKey, config.previousSecretKeys);
        const { resealed, checked } = await resealSecrets(database.db, keyRing);
        process.stdout.write(
          `Re-sealed ${resealed} of ${checked} stored secrets under the current SECRET_KEY.\n`,
        );
        return 0;
      } catch (err) {
        process.stderr.write(`minichat reseal: ${(err as Error).message}\n`);
        return 1;
      } finally {
        await database.close();
      }
    }
    default:
      process.stderr.write(`minichat: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

async function start(config: Config, opts: { http: boolean }): Promise<number> {
  const log = logger(config);
  const database = await openDatabase(config);
  await runMigrations(database);
  if (!database.vectorAvailable) {
    log.warn(
      "pgvector is not installed in this PostgreSQL: semantic knowledge search is off (lexical search works) and no embedding model is called; install the extension and restart to turn it on",
    );
  }
  const redis = config.redisUrl ? await openRedis(config.redisUrl) : undefined;
  const { jobs, mailer, events } = await startWorkers(database, config, log);

  // One event bus for the process: what workers publish (source status) reaches the app too.
  const app = opts.http
    ? await buildApp({ config, database, redis, jobs, mailer, events, loggerInstance: log })
    : undefined;
  log.info(
    {
      mode: config.mode,
      database: database.label,
      queue: jobs.label,
      redis: config.redisUrl ? "connected" : "not configured (in-memory rate limits)",
      email: mailer.transport === "smtp" ? "SMTP" : "local outbox (minichat outbox)",
    },
    `MiniChat ${opts.http ? "server" : "worker"} starting in ${config.mode} mode: database ${database.label}, queue ${jobs.label}`,
  );
  if (app) {
    await app.listen({ port: config.port, host: config.host });
    log.info(`MiniChat is ready at ${config.baseUrl}`);
    process.stdout.write(
      `\n  MiniChat is running at ${config.baseUrl}\n  API reference: ${config.baseUrl}/api/docs\n\n`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: no new requests, finishing in-flight requests and jobs");
    const timeoutMs = config.shutdownTimeoutSeconds * 1000;
    const force = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, timeoutMs + 5000);
    force.unref();
    try {
      if (app) {
        app.lifecycle.shuttingDown = true;
        await app.close();
      }
      await jobs.stop(timeoutMs);
      mailer.close();
      redis?.disconnect();
      await database.close();
      log.info("stopped cleanly");
      process.exit(0);
    } catch (err) {
      log.error({ err }, "error during shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err) => {
    if (String((err as { code?: unknown })?.code).startsWith("ERR_PARSE_ARGS")) {
      // A mistyped option is a usage error: one line and exit code 2, not a stack trace.
      process.stderr.write(`minichat: ${(err as Error).message} (see: minichat help)\n`);
      process.exit(2);
    }
    const known = err instanceof StartupError || err instanceof ConfigError;
    process.stderr.write(`minichat: ${known ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(1);
  },
);
