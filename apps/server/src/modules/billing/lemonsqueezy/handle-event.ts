import { findWorkspaceByCustomer } from "../billing-customers.repo.ts";
import type { BillingEventRow } from "../billing-events.repo.ts";
import type { BillingDeps } from "../billing-provider.ts";
import { recordPayment } from "../record-payment.ts";
import { applyLsSubscription } from "./apply-ls-subscription.ts";
import { findWorkspaceByLsSubscription } from "./lemonsqueezy.repo.ts";
import {
  LemonSqueezyApiError,
  type LemonSqueezyClient,
  type LsResource,
  type LsSubscription,
  type LsSubscriptionInvoiceAttributes,
} from "./lemonsqueezy-client.ts";

/** Events whose data is the subscription object itself. */
const SUBSCRIPTION_EVENTS = new Set([
  "subscription_created",
  "subscription_updated",
  "subscription_cancelled",
  "subscription_resumed",
  "subscription_expired",
  "subscription_paused",
  "subscription_unpaused",
]);

type Payload = {
  meta?: { custom_data?: Record<string, unknown> | null };
  data?: { type?: string; id?: string; attributes?: unknown };
};

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

/**
 * One stored Lemon Squeezy webhook. Subscription events apply the subscription they carry.
 * Payment events (their data is a subscription invoice) re-read the subscription first, so a
 * failed renewal turns the workspace past_due even if the subscription_updated that goes with
 * it never arrives, then send the receipt or dunning email. subscription_payment_recovered is
 * ignored: Lemon Squeezy always sends subscription_payment_success alongside it, which already
 * mails the receipt. Anything else (orders, license keys, refunds) changes nothing here.
 */
export async function handleLemonSqueezyEvent(
  event: BillingEventRow,
  deps: BillingDeps,
  client: LemonSqueezyClient,
): Promise<"processed" | "ignored"> {
  const payload = event.payload as Payload;
  const custom = payload.meta?.custom_data ?? {};
  const hint = { workspaceId: str(custom.workspace_id), currency: str(custom.currency) };
  const data = payload.data;

  if (SUBSCRIPTION_EVENTS.has(event.type)) {
    if (data?.type !== "subscriptions" || !data.id || !data.attributes) {
      throw new Error(`${event.type} without a subscription object`);
    }
    return applyLsSubscription(deps, client, data as LsSubscription, hint);
  }

  if (event.type === "subscription_payment_success" || event.type === "subscription_payment_failed") {
    if (data?.type !== "subscription-invoices" || !data.attributes) {
      throw new Error(`${event.type} without a subscription invoice`);
    }
    const invoice = (data as LsResource<LsSubscriptionInvoiceAttributes>).attributes;
    const subscriptionId = String(invoice.subscription_id);
    try {
      const sub = await client.getSubscription(subscriptionId);
      await applyLsSubscription(deps, client, sub, hint);
    } catch (err) {
      // A subscription deleted since is no reason to hold back the email; anything else is
      // retried (the job runs again, or Lemon Squeezy redelivers after a 5xx).
      if (!(err instanceof LemonSqueezyApiError && err.status === 404)) throw err;
    }
    const workspaceId =
      hint.workspaceId ??
      (await findWorkspaceByLsSubscription(deps.db, subscriptionId))?.workspaceId ??
      (await findWorkspaceByCustomer(deps.db, "lemonsqueezy", String(invoice.customer_id)));
    if (!workspaceId) {
      deps.logger.warn({ subscriptionId, type: event.type }, "Lemon Squeezy payment for no known workspace");
      return "ignored";
    }
    await recordPayment(deps, {
      provider: "lemonsqueezy",
      workspaceId,
      outcome: event.type === "subscription_payment_success" ? "paid" : "failed",
      amountMinor: invoice.total,
      currency: invoice.currency,
      receiptUrl: invoice.urls?.invoice_url ?? null,
    });
    return "processed";
  }

  return "ignored";
}
