import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { ping } from "../../platform/db/client.ts";
import { migrationStatus } from "../../platform/db/migrate.ts";

export function registerHealthRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  state: { shuttingDown: boolean },
): void {
  app.get(
    "/healthz",
    {
      config: { rateLimit: false },
      schema: {
        tags: ["Operations"],
        summary: "Process is up",
        response: { 200: z.object({ status: z.literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      config: { rateLimit: false },
      schema: {
        tags: ["Operations"],
        summary: "Ready for traffic: database reachable and migrations applied",
        response: {
          200: z.object({ status: z.literal("ready"), database: z.string(), migrations: z.string() }),
          503: z.object({ status: z.literal("not_ready"), reason: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      if (state.shuttingDown) return reply.status(503).send({ status: "not_ready", reason: "shutting down" });
      try {
        await ping(ctx.database);
      } catch {
        return reply.status(503).send({ status: "not_ready", reason: "database unreachable" });
      }
      const m = await migrationStatus(ctx.database);
      if (m.applied < m.expected) {
        return reply
          .status(503)
          .send({ status: "not_ready", reason: `migrations pending (${m.applied}/${m.expected} applied)` });
      }
      return {
        status: "ready" as const,
        database: ctx.database.kind,
        migrations: `${m.applied}/${m.expected}`,
      };
    },
  );
}
