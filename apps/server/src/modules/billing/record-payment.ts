import { eq } from "drizzle-orm";
import { plans, workspaceSubscriptions } from "../../db/schema/index.ts";
import { toLocale } from "../email/index.ts";
import type { BillingDeps, ProviderId } from "./billing-provider.ts";
import { findWorkspaceOwner } from "./plans.repo.ts";

/**
 * A payment went through or failed: the owner gets a receipt or a dunning email in their
 * language. Status changes (past_due, back to active) arrive as subscription states and go
 * through applySubscription; this only tells people. Webhook dedup makes it once per event.
 */
export async function recordPayment(
  deps: BillingDeps,
  p: {
    provider: ProviderId;
    workspaceId: string;
    outcome: "paid" | "failed";
    amountMinor: number;
    currency: string;
    receiptUrl: string | null;
    /** The plan paid for, when it is not the workspace's current one (a prepaid period that failed). */
    planName?: string;
    /** Days the plan stays despite the failure; default BILLING_GRACE_DAYS (0 when nothing is kept). */
    graceDays?: number;
  },
): Promise<void> {
  const owner = await findWorkspaceOwner(deps.db, p.workspaceId);
  if (!owner) {
    deps.logger.warn(
      { workspaceId: p.workspaceId, provider: p.provider },
      "payment for a workspace without owner",
    );
    return;
  }
  const [sub] = await deps.db
    .select({ planName: plans.name })
    .from(workspaceSubscriptions)
    .innerJoin(plans, eq(plans.id, workspaceSubscriptions.planId))
    .where(eq(workspaceSubscriptions.workspaceId, p.workspaceId));
  const common = {
    name: owner.name,
    workspaceName: owner.workspaceName,
    planName: p.planName ?? sub?.planName ?? "",
    amountMinor: p.amountMinor,
    currency: p.currency.toUpperCase(),
    url: `${deps.config.baseUrl}/workspaces/${p.workspaceId}/billing`,
  };
  const locale = toLocale(owner.locale);
  if (p.outcome === "paid") {
    await deps.mailer.send({
      to: owner.email,
      template: "payment-succeeded",
      locale,
      vars: { ...common, receiptUrl: p.receiptUrl },
    });
  } else {
    await deps.mailer.send({
      to: owner.email,
      template: "payment-failed",
      locale,
      vars: { ...common, graceDays: p.graceDays ?? deps.config.billing.graceDays },
    });
  }
}
