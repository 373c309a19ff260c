import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { assertPlanAllows } from "./entitlements.ts";
import { countMembers, countPendingInvitations } from "./plans.repo.ts";

/**
 * The one place that decides whether a workspace may gain a member: checked when an invitation
 * is sent (pending invitations count as seats) and again when one is accepted.
 */
export async function assertCanAddMember(
  db: Db,
  config: Pick<Config, "defaultPlanId" | "billing">,
  workspaceId: string,
  now: Date,
  opts: { pending: boolean },
): Promise<void> {
  const used =
    (await countMembers(db, workspaceId)) +
    (opts.pending ? await countPendingInvitations(db, workspaceId, now) : 0);
  await assertPlanAllows(db, config, workspaceId, "members", used);
}
