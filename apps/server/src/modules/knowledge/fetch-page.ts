import { STATUS_CODES } from "node:http";
import { AppError } from "../../platform/errors.ts";
import { IngestError } from "./ingest-error.ts";

/** Site owners see this in their logs and can address it in robots.txt ("User-agent: MiniChatBot"). */
export const USER_AGENT = "MiniChatBot/1.0 (+https://github.com/minichat/minichat)";
export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The server answered, but not with the content (404, 500…). */
export class StatusError extends IngestError {
  status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}
/** A redirect loop or a chain longer than MAX_REDIRECTS. */
export class RedirectError extends IngestError {}

export type Fetched = {
  /** Where the content came from after redirects: the page's own address. */
  url: URL;
  contentType: string | null;
  bytes: Uint8Array;
  /** The body was longer than maxBytes; `bytes` holds its beginning. */
  truncated: boolean;
};

export type FetchOptions = {
  /** The SSRF-guarded fetch: every hop's address is checked before connecting. */
  fetch: typeof fetch;
  timeoutMs: number;
  maxBytes: number;
  accept: string;
  /** "page" or "sitemap": how a failure names what was asked for. */
  what: string;
  /** Called before each hop (robots.txt); throws an IngestError to stop there. */
  beforeHop?: (url: URL) => Promise<void>;
};

/**
 * GETs one URL for a website source. Redirects are followed here, not inside the fetch, so that
 * robots.txt is consulted for every address actually read; each hop has its own timeout, and the
 * body's read is held to the same one. Any failure becomes an IngestError in plain words.
 */
export async function fetchBody(start: URL, o: FetchOptions): Promise<Fetched> {
  let url = start;
  const visited = new Set<string>();
  for (let hop = 0; ; hop++) {
    visited.add(url.href);
    await o.beforeHop?.(url);
    const signal = AbortSignal.timeout(o.timeoutMs);
    try {
      const res = await o.fetch(url, {
        headers: { "user-agent": USER_AGENT, accept: o.accept },
        redirect: "manual",
        signal,
      });
      const location = res.headers.get("location");
      if (REDIRECTS.has(res.status) && location !== null) {
        await res.body?.cancel().catch(() => {});
        const next = parseLocation(location, url, o.what);
        if (visited.has(next.href))
          throw new RedirectError(`The ${o.what} redirects in a loop (${next.href})`);
        if (hop >= MAX_REDIRECTS) {
          throw new RedirectError(
            `Too many redirects: the ${o.what} redirects more than ${MAX_REDIRECTS} times`,
          );
        }
        url = next;
        continue;
      }
      if (res.status < 200 || res.status > 299) {
        await res.body?.cancel().catch(() => {});
        throw new StatusError(`The ${o.what} answered ${describeStatus(res.status)}`, res.status);
      }
      const { bytes, truncated } = await readBytes(res, o.maxBytes);
      return { url, contentType: res.headers.get("content-type"), bytes, truncated };
    } catch (err) {
      throw readableFailure(err, url, o.timeoutMs);
    }
  }
}

export const describeStatus = (status: number) => `${status} ${STATUS_CODES[status] ?? ""}`.trim();

function parseLocation(location: string, base: URL, what: string): URL {
  try {
    const next = new URL(location, base);
    next.hash = "";
    return next;
  } catch {
    throw new IngestError(`The ${what} redirects to an invalid address`);
  }
}

/** The body up to maxBytes; the rest is not downloaded. */
async function readBytes(
  res: Response,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!res.body) return { bytes: new Uint8Array(), truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= maxBytes) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks), truncated: false };
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  return { bytes: Buffer.concat(chunks).subarray(0, maxBytes), truncated: true };
}

const CERT_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** Whatever went wrong, said so the person who added the site knows what to do. */
export function readableFailure(err: unknown, url: URL, timeoutMs: number): IngestError {
  if (err instanceof IngestError) return err;
  if (err instanceof AppError) {
    // The SSRF guard: a private address (maybe reached by a redirect), a non-http scheme…
    return new IngestError(err.message);
  }
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return new IngestError(`The site did not answer within ${formatSeconds(timeoutMs)}`);
  }
  const code = causeCode(err);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new IngestError(`The address ${url.hostname} could not be found`);
  }
  if (code === "ECONNREFUSED") return new IngestError(`The site ${url.host} refused the connection`);
  if (code && CERT_ERROR.test(code)) {
    return new IngestError(`The site's HTTPS certificate is not valid (${code})`);
  }
  const detail = code ?? (err instanceof Error ? (err.cause as Error | undefined)?.message : undefined);
  return new IngestError(`The site ${url.host} could not be reached${detail ? ` (${detail})` : ""}`);
}

function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

export function formatSeconds(ms: number): string {
  const s = Math.round(ms / 100) / 10;
  return `${s} ${s === 1 ? "second" : "seconds"}`;
}
