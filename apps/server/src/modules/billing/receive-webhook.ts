import type { IncomingHttpHeaders } from "node:http";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { storeBillingEvent } from "./billing-events.repo.ts";
import type { ProviderId } from "./billing-provider.ts";
import { PROCESS_BILLING_EVENT_QUEUE, processBillingEvent } from "./process-billing-event.ts";

/**
 * A provider's webhook delivery: verified against the raw body, stored by event id, then handled
 * by a job (or inline when this process has no job queue). A redelivery of a handled event is
 * acknowledged and changes nothing; one whose handling failed is queued again.
 */
export async function receiveWebhook(
  ctx: AppContext,
  providerId: ProviderId,
  rawBody: Buffer,
  headers: IncomingHttpHeaders,
): Promise<{ received: true; duplicate: boolean }> {
  const provider = ctx.billing.providers[providerId];
  if (!provider) {
    throw new AppError(
      "NOT_FOUND",
      `${providerId === "stripe" ? "Stripe" : "Lemon Squeezy"} is not set up on this server`,
    );
  }
  const verified = provider.verifyWebhook(rawBody, headers, ctx.clock.now());
  const { row, isNew } = await storeBillingEvent(ctx.db, { provider: providerId, ...verified });
  if (row.status === "processed" || row.status === "ignored") return { received: true, duplicate: true };
  if (ctx.jobs) {
    await ctx.jobs.send(PROCESS_BILLING_EVENT_QUEUE, { id: row.id }, { singletonKey: row.id });
  } else {
    await processBillingEvent(ctx.billing, row.id);
  }
  return { received: true, duplicate: !isNew };
}
