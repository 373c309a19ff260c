import type { InboxClientEvents, InboxServerEvents } from "@minichat/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { Socket } from "socket.io-client";
import { leadsKey } from "./leads-api.ts";

/**
 * New and changed leads (a visitor leaving details, a teammate moving one) refresh the screen
 * through the workspace's /inbox socket. socket.io-client loads with this screen, not the shell.
 * Each (re)connect refetches too: events are not replayed, and the first may precede the socket.
 */
export function useLiveLeads(workspaceId: string) {
  const queryClient = useQueryClient();
  useEffect(() => {
    let socket: Socket<InboxServerEvents, InboxClientEvents> | null = null;
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A burst of events (an import, a merge) is one refetch.
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: leadsKey(workspaceId) }), 200);
    };
    void import("socket.io-client").then(({ io }) => {
      if (closed) return;
      socket = io("/inbox", {
        path: "/socket.io",
        withCredentials: true,
        transports: ["websocket", "polling"],
      });
      socket.on("connect", () => {
        socket?.emit("join", { workspaceId });
        refresh();
      });
      socket.on("lead.captured", (e) => e.workspaceId === workspaceId && refresh());
      socket.on("lead.updated", (e) => e.workspaceId === workspaceId && refresh());
    });
    return () => {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [queryClient, workspaceId]);
}
