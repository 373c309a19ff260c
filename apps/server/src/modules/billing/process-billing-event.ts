import type { QueueDefinition } from "../../platform/jobs.ts";
import { findBillingEvent, finishBillingEvent } from "./billing-events.repo.ts";
import type { BillingDeps } from "./billing-provider.ts";
import type { BillingProviders } from "./billing-providers.ts";

export const PROCESS_BILLING_EVENT_QUEUE = "billing.process-event";

/**
 * Hands one stored webhook event to its provider's handler. An event already processed is left
 * alone (a redelivery or a second job changes nothing); a failing handler marks the event failed
 * and throws, so the job retries it (or, without a job queue, the webhook answers 5xx and the
 * provider redelivers).
 */
export async function processBillingEvent(
  deps: BillingDeps & { providers: BillingProviders },
  id: string,
): Promise<void> {
  const event = await findBillingEvent(deps.db, id);
  if (!event || event.status === "processed" || event.status === "ignored") return;
  const provider = deps.providers[event.provider];
  if (!provider) throw new Error(`billing event ${id} is for ${event.provider}, which is not configured`);
  try {
    const status = await provider.handleEvent(event, deps);
    await finishBillingEvent(deps.db, id, { status, at: deps.clock.now() });
  } catch (err) {
    await finishBillingEvent(deps.db, id, {
      status: "failed",
      error: (err as Error).message.slice(0, 500),
      at: deps.clock.now(),
    });
    deps.logger.error({ err, billingEvent: id, type: event.type }, "billing event failed");
    throw err;
  }
}

export function billingEventQueues(
  deps: BillingDeps & { providers: BillingProviders },
): QueueDefinition<{ id: string }>[] {
  return [
    {
      name: PROCESS_BILLING_EVENT_QUEUE,
      // One job per event at a time: a redelivery while the first is queued adds nothing.
      policy: "exclusive",
      retryLimit: 10,
      retryDelaySeconds: 30,
      handler: async (data) => processBillingEvent(deps, data.id),
    },
  ];
}
