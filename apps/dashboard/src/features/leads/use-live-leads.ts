import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useAcquireLive } from "../../lib/use-live.ts";
import { leadsKey } from "./leads-api.ts";

/**
 * New and changed leads (a visitor leaving details, a teammate moving one) refresh the screen
 * through the workspace's shared live socket (lib/workspace-live.ts). Each (re)join refetches
 * too: events are not replayed, and the first may precede the socket.
 */
export function useLiveLeads(workspaceId: string) {
  const queryClient = useQueryClient();
  const live = useAcquireLive(workspaceId);
  useEffect(() => {
    if (!live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A burst of events (an import, a merge) is one refetch.
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: leadsKey(workspaceId) }), 200);
    };
    const offResync = live.onResync(refresh);
    const offEvents = live.on((event, payload) => {
      const about = (payload as { workspaceId?: string }).workspaceId;
      if ((event === "lead.captured" || event === "lead.updated") && about === workspaceId) refresh();
    });
    return () => {
      clearTimeout(timer);
      offResync();
      offEvents();
    };
  }, [live, queryClient, workspaceId]);
}
