import type { InboxClientEvents, InboxServerEvents } from "@minichat/contracts";
import type { Socket } from "socket.io-client";

// One /inbox socket per workspace (the members' realtime namespace), shared by every screen that
// listens — the inbox's components, the leads screen — and kept for a moment after the last one
// lets go (list → conversation navigation remounts the page; a new handshake each time would drop
// events in between). socket.io-client is imported on first use, so it stays out of the shell's
// bundle.

export type LiveStatus = "connecting" | "connected" | "reconnecting";
type EventName = keyof InboxServerEvents;
type Payload<E extends EventName> = Parameters<InboxServerEvents[E]>[0];
type Listener = <E extends EventName>(event: E, payload: Payload<E>) => void;

const EVENTS: EventName[] = [
  "conversation.created",
  "conversation.updated",
  "message.created",
  "message",
  "message.delta",
  "typing",
  "handoff.requested",
  "lead.captured",
  "lead.updated",
];
const RELEASE_AFTER_MS = 3000;
const RETRY_AFTER_MS = 5000;

export class InboxLive {
  status: LiveStatus = "connecting";
  private socket: Socket<InboxServerEvents, InboxClientEvents> | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<() => void>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly watching = new Map<string, number>();
  private everConnected = false;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  users = 0;
  releaseTimer: ReturnType<typeof setTimeout> | undefined;

  readonly workspaceId: string;

  constructor(workspaceId: string) {
    this.workspaceId = workspaceId;
    void this.open();
  }

  private async open() {
    const { io } = await import("socket.io-client");
    if (this.closed) return;
    // Same origin: the session cookie authenticates; websocket first, polling if a proxy refuses it.
    const socket: Socket<InboxServerEvents, InboxClientEvents> = io("/inbox", {
      path: "/socket.io",
      withCredentials: true,
      transports: ["websocket", "polling"],
    });
    this.socket = socket;
    socket.on("connect", () => {
      for (const id of this.watching.keys()) socket.emit("watch", { conversationId: id });
      socket.emit("join", { workspaceId: this.workspaceId }, (ack) => {
        if (!ack.ok) return;
        this.setStatus("connected");
        // Events are not replayed (no connection state recovery), and the screen may have
        // loaded before the join: whatever happened until now is fetched again.
        for (const l of this.resyncListeners) l();
        this.everConnected = true;
      });
    });
    socket.on("disconnect", (reason) => {
      if (this.closed) return;
      this.setStatus("reconnecting");
      // The server closed it on purpose (e.g. restarting): socket.io leaves reconnecting to us.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", () => {
      if (this.closed) return;
      this.setStatus(this.everConnected ? "reconnecting" : "connecting");
      // A refused handshake is not retried by socket.io itself; a network error is.
      if (!socket.active) {
        clearTimeout(this.retry);
        this.retry = setTimeout(() => socket.connect(), RETRY_AFTER_MS);
      }
    });
    for (const name of EVENTS) {
      socket.on(name, ((payload: Payload<typeof name>) => {
        for (const l of this.listeners) l(name, payload);
      }) as never);
    }
  }

  private setStatus(s: LiveStatus) {
    if (s === this.status) return;
    this.status = s;
    for (const l of this.statusListeners) l();
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Called after a reconnect: whatever happened meanwhile must be fetched. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** Follow a conversation's typing and live answer; the returned function stops. */
  watch(conversationId: string): () => void {
    const n = this.watching.get(conversationId) ?? 0;
    this.watching.set(conversationId, n + 1);
    if (n === 0 && this.socket?.connected) this.socket.emit("watch", { conversationId });
    return () => {
      const left = (this.watching.get(conversationId) ?? 1) - 1;
      if (left > 0) {
        this.watching.set(conversationId, left);
        return;
      }
      this.watching.delete(conversationId);
      if (this.socket?.connected) this.socket.emit("unwatch", { conversationId });
    };
  }

  typing(conversationId: string, typing: boolean) {
    if (this.socket?.connected) this.socket.emit("typing", { conversationId, typing });
  }

  close() {
    this.closed = true;
    clearTimeout(this.retry);
    this.socket?.close();
    this.listeners.clear();
    this.statusListeners.clear();
    this.resyncListeners.clear();
  }
}

const live = new Map<string, InboxLive>();

/** The workspace's shared socket; call the returned release() when done with it. */
export function acquireLive(workspaceId: string): { live: InboxLive; release: () => void } {
  let l = live.get(workspaceId);
  if (!l) {
    l = new InboxLive(workspaceId);
    live.set(workspaceId, l);
  }
  const current = l;
  clearTimeout(current.releaseTimer);
  current.users++;
  let released = false;
  return {
    live: current,
    release() {
      if (released) return;
      released = true;
      current.users--;
      if (current.users > 0) return;
      current.releaseTimer = setTimeout(() => {
        if (current.users > 0) return;
        current.close();
        if (live.get(workspaceId) === current) live.delete(workspaceId);
      }, RELEASE_AFTER_MS);
    },
  };
}
