import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import type { EventBus } from "../../platform/events.ts";
import type { Clock, Logger } from "../../platform/types.ts";
import type { Mailer } from "../email/index.ts";
import { toLocale } from "../email/index.ts";
import { claimAlert, findWorkspaceOwner } from "./plans.repo.ts";

export type QuotaAlertDeps = {
  db: Db;
  config: Pick<Config, "baseUrl">;
  mailer: Mailer;
  events: EventBus;
  clock: Clock;
  logger: Logger;
};

/**
 * Tells the workspace (stored alert for the app, event, email to the owner in their language)
 * that it used `threshold` % of its AI replies — once per threshold and period, whoever calls.
 * Never fails the turn that crossed the threshold: a failed email is logged.
 */
export async function sendQuotaAlert(
  deps: QuotaAlertDeps,
  a: { workspaceId: string; periodKey: string; threshold: number; used: number; max: number },
): Promise<void> {
  try {
    if (!(await claimAlert(deps.db, a))) return;
    deps.events.emit({ type: "billing.quota_alert", ...a });
    const owner = await findWorkspaceOwner(deps.db, a.workspaceId);
    if (!owner) return;
    await deps.mailer.send({
      to: owner.email,
      template: "quota-alert",
      locale: toLocale(owner.locale),
      vars: {
        name: owner.name,
        workspaceName: owner.workspaceName,
        threshold: a.threshold,
        used: a.used,
        max: a.max,
        url: `${deps.config.baseUrl}/workspaces/${a.workspaceId}/billing`,
      },
    });
  } catch (err) {
    deps.logger.error({ err, ...a }, "quota alert failed");
  }
}
