import type Stripe from "stripe";
import { findWorkspaceByCustomer } from "../billing-customers.repo.ts";
import type { BillingDeps } from "../billing-provider.ts";
import { workspaceExists } from "../plans.repo.ts";

/** The workspace named in our metadata, else the one that owns the Stripe customer. */
export async function resolveStripeWorkspace(
  deps: BillingDeps,
  metadata: Stripe.Metadata | null | undefined,
  customerId: string | null,
): Promise<string | undefined> {
  const named = metadata?.workspaceId;
  if (named) return (await workspaceExists(deps.db, named)) ? named : undefined;
  return customerId ? findWorkspaceByCustomer(deps.db, "stripe", customerId) : undefined;
}
