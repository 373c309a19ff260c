import type { Session } from "../shared.ts";

// The visitor API as the panel uses it. Failures come back as ApiError with the server's code
// (RATE_LIMITED carries the Retry-After seconds); a network failure is NETWORK.

export type Citation = { index: number; title: string; url: string | null };
export type Message = {
  id: string;
  role: "visitor" | "assistant" | "operator";
  content: string;
  citations: Citation[];
  feedback: 1 | -1 | null;
  createdAt: string;
};
export type Transcript = { messages: Message[]; status: string; rating: number | null; hasContact: boolean };

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Seconds to wait before trying again (429). */
  readonly retryAfter: number;
  constructor(code: string, message: string, status: number, retryAfter = 0) {
    super(message);
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

export type Api = ReturnType<typeof createApi>;

export function createApi(base: string, publicKey: string) {
  async function req<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1/widget${path}`, {
        ...init,
        headers: {
          ...(init.body ? { "content-type": "application/json" } : {}),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.headers as Record<string, string> | undefined),
        },
      });
    } catch {
      throw new ApiError("NETWORK", "network error", 0);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as {
        error?: { code: string; message: string };
      } | null;
      throw new ApiError(
        body?.error?.code ?? "HTTP",
        body?.error?.message ?? res.statusText,
        res.status,
        Number(res.headers.get("retry-after") ?? 0),
      );
    }
    return res as Response & { __t?: T };
  }
  const json = async <T>(path: string, init: RequestInit & { token?: string } = {}) =>
    (await (await req<T>(path, init)).json()) as T;
  const post = (s: Session, path: string, body: unknown) =>
    json<unknown>(`/conversations/${s.conversationId}${path}`, {
      method: "POST",
      token: s.visitorToken,
      body: JSON.stringify(body),
    });

  return {
    start: (body: Record<string, string | undefined>) =>
      json<Session>(`/${encodeURIComponent(publicKey)}/conversations`, {
        method: "POST",
        body: JSON.stringify(body),
      }),
    transcript: (s: Session) =>
      json<Transcript>(`/conversations/${s.conversationId}/messages`, { token: s.visitorToken }),
    feedback: (s: Session, messageId: string, value: 1 | -1) =>
      post(s, `/messages/${messageId}/feedback`, { value }),
    rating: (s: Session, rating: number, comment: string) =>
      post(s, "/rating", comment ? { rating, comment } : { rating }),
    contact: (s: Session, body: { name?: string; email?: string; phone?: string }) =>
      post(s, "/contact", body),
    handoff: (s: Session) => post(s, "/handoff", {}) as Promise<{ status: string }>,

    /** Sends a message and reads the SSE answer, calling `on` for each event. */
    async send(s: Session, content: string, on: (event: string, data: unknown) => void): Promise<void> {
      const res = await req(`/conversations/${s.conversationId}/messages`, {
        method: "POST",
        token: s.visitorToken,
        headers: { accept: "text/event-stream" },
        body: JSON.stringify({ content }),
      });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let end = buf.indexOf("\n\n");
        while (end >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          end = buf.indexOf("\n\n");
          let event = "message";
          let data = "";
          for (const line of frame.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trim();
          }
          if (data) on(event, JSON.parse(data));
        }
      }
    },
  };
}
