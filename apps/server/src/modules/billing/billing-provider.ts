import type { IncomingHttpHeaders } from "node:http";
import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import type { EventBus } from "../../platform/events.ts";
import type { QueueDefinition } from "../../platform/jobs.ts";
import type { Clock, Logger } from "../../platform/types.ts";
import type { Mailer } from "../email/index.ts";
import type { BillingEventRow } from "./billing-events.repo.ts";
import type { PlanRow, SubscriptionRow } from "./plans.repo.ts";

// What the rest of billing needs from a payment provider. Stripe and Lemon Squeezy each
// implement it in their own folder; routes, the webhook store and the subscription model are
// shared and provider-neutral.

export type ProviderId = "stripe" | "lemonsqueezy";
export type BillingInterval = "monthly" | "yearly";

/** What a provider handler needs to apply an event (the same parts the routes get). */
export type BillingDeps = {
  db: Db;
  config: Config;
  mailer: Mailer;
  events: EventBus;
  clock: Clock;
  logger: Logger;
};

export type CheckoutInput = {
  workspace: { id: string; name: string };
  /** Who pays: the signed-in owner or admin starting the checkout. */
  payer: { email: string; name: string };
  /** The provider's customer id from an earlier checkout of this workspace, if any. */
  customerId: string | undefined;
  plan: PlanRow;
  interval: BillingInterval;
  /** ISO code, upper case; the plan has a price in it (checked before the provider is asked). */
  currency: string;
  /**
   * "promptpay": one prepaid period paid once (Stripe, THB only), not a subscription; checked
   * before the provider is asked. Absent or "card": a subscription.
   */
  paymentMethod?: "card" | "promptpay" | undefined;
  successUrl: string;
  cancelUrl: string;
};

/** A webhook delivery whose signature checked out. */
export type VerifiedWebhook = {
  /** Unique per event (a redelivery of the same event carries the same id). */
  eventId: string;
  type: string;
  payload: Record<string, unknown>;
};

export type BillingProvider = {
  id: ProviderId;
  /** Currencies this provider can charge for this plan and interval (Lemon Squeezy: its store's). */
  currencies(plan: PlanRow, interval: BillingInterval): Promise<string[]>;
  /** A hosted checkout page for a new subscription. Provider errors → AppError 502. */
  createCheckout(input: CheckoutInput): Promise<{ url: string; customerId?: string | undefined }>;
  /** The provider's page where the customer updates cards, sees invoices and cancels. */
  createPortal(input: {
    customerId: string;
    subscription: SubscriptionRow | null;
    returnUrl: string;
  }): Promise<{ url: string }>;
  /**
   * Moves a running subscription to another plan or interval. Upgrades are charged now
   * (prorated); downgrades are not prorated and bill from the next period — our own record keeps
   * the paid-for plan until then (see apply-subscription.ts).
   */
  changePlan(input: {
    subscription: SubscriptionRow;
    plan: PlanRow;
    interval: BillingInterval;
    upgrade: boolean;
  }): Promise<void>;
  /** Checks the signature against the raw body; throws AppError WEBHOOK_SIGNATURE_INVALID. */
  verifyWebhook(rawBody: Buffer, headers: IncomingHttpHeaders, now: Date): VerifiedWebhook;
  /** Applies one stored event; "ignored" for event types that change nothing here. */
  handleEvent(event: BillingEventRow, deps: BillingDeps): Promise<"processed" | "ignored">;
  /** Extra scheduled work (Lemon Squeezy's reconciliation). */
  queues?(deps: BillingDeps): QueueDefinition<object>[];
};
