import type { VisitorClientEvents, VisitorServerEvents } from "@minichat/contracts";
import type { io as IoFn, Socket } from "socket.io-client";
import type { Session } from "../shared.ts";

// The visitor's live channel (Socket.IO namespace /visitor): operator replies, typing and
// status changes as they happen. socket.io-client is a separate hashed chunk fetched only when
// a conversation needs it, so the first open of the panel stays small. When the socket cannot
// connect the panel keeps polling (slowly); this module only reports whether it is live.

declare const __SOCKET_FILE__: string;
declare global {
  interface Window {
    __minichatIo?: (io: typeof IoFn) => void;
  }
}

export type LiveMessage = Parameters<VisitorServerEvents["message"]>[0];
export type LiveHandlers = {
  message(m: LiveMessage): void;
  typing(typing: boolean): void;
  status(status: string): void;
  /** true once connected (catch up on anything missed), false when the connection drops. */
  live(connected: boolean): void;
};
export type Live = { typing(typing: boolean): void; close(): void };

let chunk: Promise<typeof IoFn> | null = null;

function loadClient(base: string): Promise<typeof IoFn> {
  chunk ??= new Promise<typeof IoFn>((resolve, reject) => {
    window.__minichatIo = resolve;
    const s = document.createElement("script");
    s.src = `${base}/widget/${__SOCKET_FILE__}`;
    s.async = true;
    s.onerror = () => {
      chunk = null;
      reject(new Error("socket chunk failed to load"));
    };
    document.head.append(s);
  });
  return chunk;
}

/** Opens the live channel for `session`; `close()` is safe to call before it has connected. */
export function connectLive(base: string, session: Session, on: LiveHandlers): Live {
  let socket: Socket<VisitorServerEvents, VisitorClientEvents> | null = null;
  let closed = false;
  loadClient(base)
    .then((io) => {
      if (closed) return;
      socket = io(`${base}/visitor`, {
        auth: { token: session.visitorToken },
        transports: ["websocket"],
        reconnectionDelayMax: 30_000,
      });
      socket.on("connect", () => on.live(true));
      socket.on("disconnect", () => on.live(false));
      socket.on("connect_error", () => on.live(false));
      socket.on("message", (m) => on.message(m));
      socket.on("typing", (e) => on.typing(!!e.typing));
      socket.on("status", (e) => on.status(e.status));
    })
    .catch(() => on.live(false));
  return {
    typing: (typing) => {
      if (socket?.connected) socket.emit("typing", { typing });
    },
    close: () => {
      closed = true;
      socket?.close();
      socket = null;
    },
  };
}
