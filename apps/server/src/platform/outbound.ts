// SSRF guard for every outbound HTTP request made on behalf of a tenant (custom HTTP actions,
// provider base URLs, crawling). Two layers: `assertOutboundUrl` gives a clear 4xx when a URL is
// saved, and `createOutboundFetch` re-checks every address at connect time, so DNS rebinding or a
// redirect into the private network cannot get past a URL that looked fine when it was saved.

import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";
import { AppError } from "./errors.ts";

export type OutboundPolicy = {
  /** Operator allow-list (env ALLOW_PRIVATE_URLS): hostnames ("localhost", "crm.internal"), IPs ("127.0.0.1", "::1") or CIDRs ("10.0.0.0/8"). A match lets that target through even if private. */
  allowPrivate: string[];
};

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

// Cloud metadata endpoints. Most sit in ranges refused anyway; Azure's wire server is a public
// address. These may only be let through by naming them exactly, never by a broad CIDR.
const METADATA_IPS = new Set([
  "169.254.169.254",
  "169.254.170.2",
  "fd00:ec2::254",
  "168.63.129.16",
  "100.100.100.200",
]);
const METADATA_HOSTS = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
]);
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The single place a refusal is built, so the error code can change in one spot. */
function refused(reason: string, message: string): AppError {
  return new AppError("URL_NOT_ALLOWED", message, { reason });
}
const privateAddress = (what: string) =>
  refused(
    "private_address",
    `This URL points to a private or internal address (${what}), which is not allowed`,
  );

const normalizeHost = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");

/** Parses an IP literal; IPv4-mapped and NAT64 (64:ff9b::/96) addresses become the IPv4 they carry. */
function parseIp(ip: string): Ip | null {
  const text = normalizeHost(ip);
  if (!ipaddr.isValid(text)) return null;
  const addr = ipaddr.process(text);
  if (addr.kind() === "ipv6" && addr.match(NAT64_WELL_KNOWN)) {
    return ipaddr.fromByteArray((addr as ipaddr.IPv6).toByteArray().slice(12));
  }
  return addr;
}

const sameIp = (a: Ip, b: Ip) => a.kind() === b.kind() && a.toString() === b.toString();

/** "exact" = an entry names this host or IP; "range" = only a CIDR covers it. */
function allowance(addr: Ip | null, policy: OutboundPolicy, hostname?: string): "exact" | "range" | null {
  const host = hostname === undefined ? undefined : normalizeHost(hostname);
  let result: "range" | null = null;
  for (const raw of policy.allowPrivate) {
    const entry = normalizeHost(raw.trim());
    if (!entry) continue;
    if (entry === host) return "exact";
    if (!addr) continue;
    const ip = parseIp(entry);
    if (ip && sameIp(ip, addr)) return "exact";
    if (ipaddr.isValidCIDR(entry)) {
      const [range, bits] = ipaddr.parseCIDR(entry);
      if (range.kind() === addr.kind() && addr.match(range, bits)) result = "range";
    }
  }
  return result;
}

/** Pure check, exported for tests and reuse: is this IP literal forbidden under the policy? */
export function isForbiddenAddress(ip: string, policy: OutboundPolicy, hostname?: string): boolean {
  const addr = parseIp(ip);
  if (!addr) return true;
  const allowed = allowance(addr, policy, hostname);
  if (METADATA_IPS.has(addr.toString())) return allowed !== "exact";
  if (allowed) return false;
  // Allow-list, not deny-list: anything ipaddr.js files under a special range (private, loopback,
  // link-local, CGNAT, multicast, reserved, 6to4, teredo, ...) is refused. IPv6 must also be in
  // 2000::/3, since ipaddr.js reports unlisted oddities such as ::7f00:1 as "unicast".
  if (addr.range() !== "unicast") return true;
  return addr.kind() === "ipv6" && !addr.match(GLOBAL_UNICAST_V6);
}

/** Host names that are internal by definition, refused before any DNS query goes out. */
function isInternalHostName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || METADATA_HOSTS.has(host);
}

/** Checks that need no DNS: scheme, credentials, literal IPs and well-known internal names. */
function precheck(url: URL, policy: OutboundPolicy): { host: string; isIp: boolean } {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refused("protocol", `Only http and https URLs are allowed (got ${url.protocol})`);
  }
  if (url.username || url.password)
    throw refused("credentials", "URLs must not contain a username or password");
  const host = normalizeHost(url.hostname);
  const isIp = net.isIP(host) !== 0;
  if (
    isIp ? isForbiddenAddress(host, policy, host) : isInternalHostName(host) && !allowance(null, policy, host)
  ) {
    throw privateAddress(host);
  }
  return { host, isIp };
}

function parseUrl(url: string | URL, base?: URL): URL {
  try {
    return new URL(url, base);
  } catch {
    throw refused("invalid_url", "This is not a valid URL");
  }
}

/** Throws AppError(URL_NOT_ALLOWED, 400) if the URL is not http(s), has credentials in it, or resolves (DNS, all addresses) to a forbidden address not allowed by the policy. Used when a URL is saved, for a clear 4xx up front. */
export async function assertOutboundUrl(url: string, policy: OutboundPolicy): Promise<URL> {
  const parsed = parseUrl(url);
  const { host, isIp } = precheck(parsed, policy);
  // An allow-listed name is trusted whatever it resolves to, and may not resolve from here yet.
  if (isIp || allowance(null, policy, host)) return parsed;
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true });
  } catch {
    throw refused("unresolvable", `The host ${host} could not be resolved`);
  }
  for (const { address } of addresses) {
    if (isForbiddenAddress(address, policy, host)) throw privateAddress(address);
  }
  return parsed;
}

/** net/tls `lookup` that refuses the whole host if any resolved address is forbidden. */
function guardedLookup(policy: OutboundPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const bad = addresses.find((a) => isForbiddenAddress(a.address, policy, hostname));
      if (bad) return callback(privateAddress(bad.address), "", 0);
      // Node asks with `all: true` when happy-eyeballs is on, and for a single address otherwise.
      const first = addresses[0];
      if (options.all || !first) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/** Connector for the undici Agent: net.connect skips `lookup` for IP literals, so check those here. */
function guardedConnector(policy: OutboundPolicy): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(policy) });
  return (opts, callback) => {
    if (net.isIP(opts.hostname) && isForbiddenAddress(opts.hostname, policy, opts.hostname)) {
      return callback(privateAddress(opts.hostname), null);
    }
    connect(opts, callback);
  };
}

/** undici reports connect failures as TypeError("fetch failed", { cause }); surface our refusal. */
function unwrapRefusal(err: unknown): unknown {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) {
    if (e instanceof AppError) return e;
  }
  return err;
}

type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;

/** A fetch (same signature as global fetch) whose every connection — including redirects and DNS re-resolution — is checked at connect time, by an undici Agent with a custom `connect.lookup` that validates each resolved address (so DNS rebinding cannot slip through). Literal-IP hosts are checked before connecting too. A refused target rejects with the AppError above (not a generic TypeError: unwrap undici's `cause`). */
const CROSS_ORIGIN_SAFE_HEADERS = new Set(["accept", "accept-language", "content-type", "user-agent"]);

export function createOutboundFetch(
  policy: OutboundPolicy,
  opts: { maxRedirects?: number } = {},
): typeof fetch {
  const maxRedirects = opts.maxRedirects ?? 3;
  const dispatcher = new Agent({ connect: guardedConnector(policy) });

  const outboundFetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    if (typeof input !== "string" && !(input instanceof URL)) {
      const body = input.body ? await input.arrayBuffer() : undefined;
      init = { method: input.method, headers: input.headers, body, signal: input.signal, ...init };
      input = input.url;
    }
    const mode = init.redirect ?? "follow";
    const headers = new Headers(init.headers);
    let method = (init.method ?? "GET").toUpperCase();
    let body = init.body;
    let url = parseUrl(input);
    // Redirects are followed here rather than by undici so each hop gets the precheck, the hop
    // limit applies, and credentials are not carried to another origin.
    for (let hop = 0; ; hop++) {
      precheck(url, policy);
      // Cast: global and undici BodyInit/FormData are distinct declarations of the same thing.
      const request = {
        ...init,
        method,
        headers: [...headers],
        body,
        redirect: "manual",
        dispatcher,
      } as UndiciInit;
      const res = await undiciFetch(url, request).catch((err: unknown) => {
        throw unwrapRefusal(err);
      });
      const location = res.headers.get("location");
      if (mode === "manual" || !REDIRECT_STATUSES.has(res.status) || location === null) return res;
      await res.body?.cancel().catch(() => {});
      if (mode === "error") throw new TypeError(`Unexpected redirect from ${url.href}`);
      if (hop >= maxRedirects)
        throw refused("too_many_redirects", `Too many redirects (more than ${maxRedirects})`);
      const next = parseUrl(location, url);
      if (next.origin !== url.origin) {
        // Any header may carry a secret (x-api-key, x-goog-api-key, an action's own): a hop to
        // another origin keeps only the harmless ones.
        for (const name of [...headers.keys()]) {
          if (!CROSS_ORIGIN_SAFE_HEADERS.has(name)) headers.delete(name);
        }
      }
      if ((res.status === 303 && method !== "HEAD") || (res.status <= 302 && method === "POST")) {
        method = "GET";
        body = undefined;
        for (const name of ["content-type", "content-length", "content-encoding"]) headers.delete(name);
      }
      url = next;
    }
  };
  // undici's fetch has the same shape as the global one, but its Request/Response/Headers are
  // separate classes with slightly different type declarations, so the types only meet via a cast.
  return outboundFetch as unknown as typeof fetch;
}

/** Reads a Response body up to maxBytes; beyond that it cancels the body and returns { text: first maxBytes decoded as UTF-8 (do not split a multi-byte char), truncated: true }. */
export async function readBodyLimited(
  res: Response,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: "", truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Keep reading while size <= maxBytes: a body of exactly maxBytes is only known complete at `done`.
  while (size <= maxBytes) {
    const { done, value } = await reader.read();
    if (done) return { text: new TextDecoder().decode(Buffer.concat(chunks)), truncated: false };
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  // `stream: true` holds back an incomplete trailing UTF-8 sequence instead of emitting U+FFFD.
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes), { stream: true });
  return { text, truncated: true };
}
