import { ZErrorResponse, ZUsageQuery, ZUsageReport, ZWorkspaceIdParams } from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { requireWorkspace } from "../auth/authenticate.ts";
import { modelLabel } from "../providers/catalogue.ts";
import { findUsage } from "./conversations.repo.ts";

type Totals = { messages: number; inputTokens: number; outputTokens: number; costUsd: number };
const zero = (): Totals => ({ messages: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
function add(t: Totals, r: Totals) {
  t.messages += r.messages;
  t.inputTokens += r.inputTokens;
  t.outputTokens += r.outputTokens;
  t.costUsd += r.costUsd;
}
const round = <T extends Totals>(t: T): T => ({ ...t, costUsd: Math.round(t.costUsd * 1e8) / 1e8 });

export function registerUsageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/v1/workspaces/:workspaceId/usage",
    {
      schema: {
        tags: ["Usage"],
        summary: "Answers, tokens and estimated cost per day, model and agent (UTC days, inclusive)",
        params: ZWorkspaceIdParams,
        querystring: ZUsageQuery,
        response: {
          200: ZUsageReport,
          400: ZErrorResponse,
          401: ZErrorResponse,
          403: ZErrorResponse,
          404: ZErrorResponse,
        },
      },
    },
    async (req) => {
      const access = await requireWorkspace(req, ctx.authn, req.params.workspaceId, {
        permission: { usage: ["read"] },
        scope: "workspace:read",
      });
      const today = ctx.clock.now().toISOString().slice(0, 10);
      const to = req.query.to ?? today;
      const from = req.query.from ?? new Date(Date.parse(to) - 29 * 86_400_000).toISOString().slice(0, 10);
      if (from > to) throw new AppError("VALIDATION_FAILED", "from must not be after to", { field: "from" });
      if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) {
        throw new AppError("VALIDATION_FAILED", "The range may span at most 366 days", { field: "from" });
      }
      const rows = await findUsage(ctx.db, access.workspaceId, from, to);
      const totals = zero();
      const byModel = new Map<string, Totals & { provider: string; model: string; modelLabel: string }>();
      const byAgent = new Map<string, Totals & { agentId: string; agentName: string | null }>();
      const byDay = new Map<string, Totals & { day: string }>();
      for (const row of rows) {
        add(totals, row);
        const mk = `${row.provider}\u0000${row.model}`;
        if (!byModel.has(mk)) {
          byModel.set(mk, {
            ...zero(),
            provider: row.provider,
            model: row.model,
            modelLabel: modelLabel(row.provider, row.model),
          });
        }
        add(byModel.get(mk)!, row);
        if (!byAgent.has(row.agentId))
          byAgent.set(row.agentId, { ...zero(), agentId: row.agentId, agentName: row.agentName });
        add(byAgent.get(row.agentId)!, row);
        if (!byDay.has(row.day)) byDay.set(row.day, { ...zero(), day: row.day });
        add(byDay.get(row.day)!, row);
      }
      const byCost = (a: Totals, b: Totals) => b.costUsd - a.costUsd || b.messages - a.messages;
      return {
        from,
        to,
        totals: round(totals),
        byModel: [...byModel.values()].sort(byCost).map(round),
        byAgent: [...byAgent.values()].sort(byCost).map(round),
        byDay: [...byDay.values()].map(round),
      };
    },
  );
}
