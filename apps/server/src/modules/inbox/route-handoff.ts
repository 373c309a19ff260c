import type { AppContext } from "../../platform/context.ts";
import { toLocale } from "../email/index.ts";
import type { Realtime } from "../realtime/realtime.ts";
import {
  countOpenAssigned,
  findInboxConversation,
  findRepliers,
  updateConversationState,
} from "./inbox.repo.ts";

/**
 * A handoff (asked for by the AI's tool or the visitor's button) goes to a person: round-robin
 * among the operators online in the inbox right now — the one holding the fewest open
 * conversations, ties broken by who waited longest (stable order) — or, when nobody is online,
 * an email to everyone who may reply.
 */
export async function routeHandoff(
  ctx: AppContext,
  realtime: Pick<Realtime, "onlineUserIds">,
  e: { workspaceId: string; conversationId: string; reason: string },
): Promise<{ assignedTo: string | null; emailed: number }> {
  const conv = await findInboxConversation(ctx.database, e.workspaceId, e.conversationId);
  if (!conv || conv.assigneeId) return { assignedTo: conv?.assigneeId ?? null, emailed: 0 };
  const repliers = await findRepliers(ctx.db, e.workspaceId);
  const online = new Set(await realtime.onlineUserIds(e.workspaceId));
  const candidates = repliers
    .filter((r) => online.has(r.userId))
    .map((r) => r.userId)
    .sort();
  if (candidates.length) {
    const load = await countOpenAssigned(ctx.db, e.workspaceId, candidates);
    const pick = candidates.reduce((best, id) => ((load.get(id) ?? 0) < (load.get(best) ?? 0) ? id : best));
    const row = await updateConversationState(
      ctx.db,
      e.workspaceId,
      e.conversationId,
      { assigneeId: pick },
      ctx.clock.now(),
    );
    if (row) {
      ctx.events.emit({
        type: "conversation.updated",
        workspaceId: e.workspaceId,
        conversationId: e.conversationId,
        status: row.status,
        assigneeId: row.assigneeId,
      });
    }
    return { assignedTo: pick, emailed: 0 };
  }
  const preview = conv.lastMessage?.content ?? "";
  const [ws] = await ctx.database.query<{ name: string }>("select name from workspaces where id = $1", [
    e.workspaceId,
  ]);
  let emailed = 0;
  for (const r of repliers) {
    const id = await ctx.mailer.send({
      to: r.email,
      template: "handoff-requested",
      locale: toLocale(r.locale),
      vars: {
        name: r.name,
        workspaceName: ws?.name ?? "",
        agentName: conv.agentName,
        visitorName: conv.contact?.name ?? null,
        preview,
        url: `${ctx.config.baseUrl}/workspaces/${e.workspaceId}/inbox/${e.conversationId}`,
      },
    });
    if (id) emailed++;
  }
  return { assignedTo: null, emailed };
}

/** Routes every handoff this node sees; failures are logged, never thrown into the turn. */
export function registerHandoffRouting(ctx: AppContext, realtime: Realtime): void {
  ctx.events.on("conversation.handoff_requested", (e) => {
    routeHandoff(ctx, realtime, e).catch((err) =>
      ctx.engine.logger.error({ err, conversationId: e.conversationId }, "handoff routing failed"),
    );
  });
}
