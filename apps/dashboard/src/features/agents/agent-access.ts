import { useQuery } from "@tanstack/react-query";
import { workspacesQuery } from "../../lib/session.ts";

/**
 * What the signed-in member may do with agents and their knowledge, as the server's role
 * matrix (apps/server/src/modules/workspaces/roles.ts) allows: owners and admins change them
 * (agent:update), operators may try them in the test chat (agent:test), viewers only read.
 * Until the role is known, nothing is hidden: the server refuses anyway.
 */
export function useAgentAccess(workspaceId: string) {
  const workspaces = useQuery(workspacesQuery);
  const role = workspaces.data?.find((w) => w.id === workspaceId)?.role;
  return {
    canEdit: role === undefined || role === "owner" || role === "admin",
    canTest: role !== "viewer",
  };
}
