import { and, eq } from "drizzle-orm";
import { billingCustomers } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import type { ProviderId } from "./billing-provider.ts";

export async function findCustomerId(db: Db, workspaceId: string, provider: ProviderId) {
  const [row] = await db
    .select({ customerId: billingCustomers.customerId })
    .from(billingCustomers)
    .where(and(eq(billingCustomers.workspaceId, workspaceId), eq(billingCustomers.provider, provider)));
  return row?.customerId;
}

/** The workspace a provider's customer belongs to (events that carry only the customer). */
export async function findWorkspaceByCustomer(db: Db, provider: ProviderId, customerId: string) {
  const [row] = await db
    .select({ workspaceId: billingCustomers.workspaceId })
    .from(billingCustomers)
    .where(and(eq(billingCustomers.provider, provider), eq(billingCustomers.customerId, customerId)));
  return row?.workspaceId;
}

/** Remembers the customer; the first one recorded for a workspace and provider stays. */
export async function saveCustomerId(db: Db, workspaceId: string, provider: ProviderId, customerId: string) {
  await db.insert(billingCustomers).values({ workspaceId, provider, customerId }).onConflictDoNothing();
}
