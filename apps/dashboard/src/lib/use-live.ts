import type { InboxServerEvents } from "@minichat/contracts";
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { acquireLive, type InboxLive, type LiveStatus } from "./workspace-live.ts";

export const LiveContext = createContext<InboxLive | null>(null);

/** The workspace's shared /inbox socket while this component is mounted. */
export function useAcquireLive(workspaceId: string): InboxLive | null {
  const [live, setLive] = useState<InboxLive | null>(null);
  useEffect(() => {
    const { live, release } = acquireLive(workspaceId);
    setLive(live);
    return release;
  }, [workspaceId]);
  return live;
}

export function useLive(): InboxLive | null {
  return useContext(LiveContext);
}

const noop = () => () => {};

export function useLiveStatus(live: InboxLive | null): LiveStatus {
  return useSyncExternalStore(live ? (l) => live.onStatus(l) : noop, () => live?.status ?? "connecting");
}

type Handler = <E extends keyof InboxServerEvents>(
  event: E,
  payload: Parameters<InboxServerEvents[E]>[0],
) => void;

/** Calls the latest `handler` for every event of the socket. */
export function useLiveEvents(live: InboxLive | null, handler: Handler): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => live?.on((e, p) => ref.current(e, p)), [live]);
}
