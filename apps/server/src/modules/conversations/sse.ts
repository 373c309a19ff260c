import { PassThrough } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";

const SSE_PING_MS = 15_000;

export type SseStream = {
  send(event: string | null, data: unknown): void;
  end(): void;
  /** Aborted when the client goes away before the stream ended. */
  signal: AbortSignal;
};

/** True when the client asked for server-sent events. */
export function wantsSse(req: FastifyRequest, flag?: boolean): boolean {
  return flag === true || String(req.headers.accept ?? "").includes("text/event-stream");
}

/**
 * Starts a server-sent-events response. It goes through Fastify's reply (not a hijacked
 * socket) so CORS, security headers and the request id still apply.
 */
export function openSse(req: FastifyRequest, reply: FastifyReply): SseStream {
  const stream = new PassThrough();
  const abort = new AbortController();
  reply.raw.on("close", () => {
    if (!reply.raw.writableFinished) abort.abort(new Error("client closed the stream"));
  });
  reply
    .header("content-type", "text/event-stream; charset=utf-8")
    .header("cache-control", "no-cache, no-transform")
    .header("x-accel-buffering", "no")
    .status(200);
  void reply.send(stream);
  req.log.debug("sse stream opened");
  // A comment line now and then keeps proxies from cutting a stream that waits on a slow model
  // (retries and a fallback can take a while before the first token).
  const ping = setInterval(() => {
    if (!stream.writableEnded) stream.write(": ping\n\n");
  }, SSE_PING_MS);
  ping.unref();
  stream.on("close", () => clearInterval(ping));
  return {
    send(event, data) {
      if (stream.writableEnded) return;
      stream.write(
        `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`,
      );
    },
    end() {
      clearInterval(ping);
      if (!stream.writableEnded) stream.end();
    },
    signal: abort.signal,
  };
}
