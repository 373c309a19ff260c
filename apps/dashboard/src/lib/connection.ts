// Whether the server can be reached. A request that fails at the network level (ApiError status
// 0) or the browser going offline marks the connection lost; while lost, /healthz is probed with
// backoff (3 s → 15 s) and the first answer marks it restored, so the shell's banner goes away
// and the screens refetch. Realtime sockets reconnect on their own.

type State = "ok" | "lost";
let state: State = "ok";
const listeners = new Set<() => void>();
const restoredHandlers = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;
let delay = 3000;

function set(next: State) {
  if (next === state) return;
  state = next;
  for (const l of listeners) l();
  if (next === "ok") for (const h of restoredHandlers) h();
}

async function probe() {
  timer = undefined;
  try {
    const res = await fetch("/healthz", { cache: "no-store" });
    if (res.ok) {
      delay = 3000;
      set("ok");
      return;
    }
  } catch {
    // still unreachable
  }
  delay = Math.min(delay * 1.5, 15_000);
  schedule();
}

function schedule(ms = delay) {
  if (timer === undefined) timer = setTimeout(() => void probe(), ms);
}

export const connection = {
  get: (): State => state,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** A request could not reach the server. */
  lost() {
    set("lost");
    schedule();
  },
  /** Probe now (the banner's "Try now"). */
  retry() {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    void probe();
  },
  onRestored(handler: () => void) {
    restoredHandlers.add(handler);
    return () => restoredHandlers.delete(handler);
  },
};

if (typeof window !== "undefined") {
  window.addEventListener("offline", () => connection.lost());
  window.addEventListener("online", () => connection.retry());
}
