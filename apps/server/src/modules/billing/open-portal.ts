import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { findCustomerId } from "./billing-customers.repo.ts";
import type { ProviderId } from "./billing-provider.ts";
import { callProvider } from "./pick-provider.ts";
import { findSubscription } from "./plans.repo.ts";

/** The provider's customer portal for the workspace's subscription (cards, invoices, cancel). */
export async function openPortal(
  ctx: AppContext,
  workspaceId: string,
  log: { error(obj: object, msg: string): void },
): Promise<{ provider: ProviderId; url: string }> {
  const sub = await findSubscription(ctx.db, workspaceId);
  const providerId: ProviderId | undefined =
    sub && sub.source !== "manual" ? sub.source : ctx.billing.providers.stripe ? "stripe" : undefined;
  const provider = providerId ? ctx.billing.providers[providerId] : undefined;
  const customerId =
    (sub?.source === providerId ? sub?.providerCustomerId : null) ??
    (providerId ? await findCustomerId(ctx.db, workspaceId, providerId) : undefined);
  if (!provider || !customerId) {
    throw new AppError(
      "NO_SUBSCRIPTION",
      "This workspace has no subscription with a payment provider yet; choose a plan first",
    );
  }
  const { url } = await callProvider(provider.id, log, () =>
    provider.createPortal({
      customerId,
      subscription: sub?.source === provider.id ? sub : null,
      returnUrl: `${ctx.config.baseUrl}/workspaces/${workspaceId}/billing`,
    }),
  );
  return { provider: provider.id, url };
}
