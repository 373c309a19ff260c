import robotsParserModule from "robots-parser";
import { decodePage } from "./decode-page.ts";
import { describeStatus, fetchBody, RedirectError, StatusError, USER_AGENT } from "./fetch-page.ts";
import { IngestError } from "./ingest-error.ts";

/** RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; the rest is ignored. */
const MAX_ROBOTS_BYTES = 500 * 1024;

// The package's types declare an ES default export; at run time the CommonJS module is the function.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

/** robots.txt has a rule against this URL (as opposed to the whole site being unreadable). */
export class RobotsError extends IngestError {}

type Rules =
  | { kind: "parsed"; robot: ReturnType<typeof robotsParser> }
  | { kind: "allow-all" }
  | { kind: "disallow-all"; reason: string };

export type Robots = {
  /** Throws an IngestError saying why when robots.txt does not let us read this URL. */
  assertAllowed(url: URL): Promise<void>;
  /** The sitemaps the site's robots.txt names. */
  sitemaps(origin: string): Promise<string[]>;
};

/**
 * robots.txt of each site a source reads, fetched once per origin and obeyed per RFC 9309: the
 * group for our user agent or else `*`, the longest matching Allow/Disallow wins. A robots.txt
 * that is missing (any 4xx) or redirects endlessly allows everything; one the server fails to
 * give (5xx, 429) or that cannot be reached means "disallow everything", as the RFC requires:
 * the site may be asking crawlers to stay away while it is in trouble.
 */
export function createRobots(o: { fetch: typeof fetch; timeoutMs: number }): Robots {
  const cache = new Map<string, Promise<Rules>>();
  const rulesFor = (origin: string) => {
    let rules = cache.get(origin);
    if (!rules) {
      rules = loadRules(origin, o);
      cache.set(origin, rules);
    }
    return rules;
  };
  return {
    async assertAllowed(url) {
      const rules = await rulesFor(url.origin);
      if (rules.kind === "disallow-all") throw new IngestError(rules.reason);
      if (rules.kind === "parsed" && rules.robot.isAllowed(url.href, USER_AGENT) === false) {
        throw new RobotsError(`The site's robots.txt does not allow reading ${url.pathname}${url.search}`);
      }
    },
    async sitemaps(origin) {
      const rules = await rulesFor(origin);
      return rules.kind === "parsed" ? rules.robot.getSitemaps() : [];
    },
  };
}

async function loadRules(origin: string, o: { fetch: typeof fetch; timeoutMs: number }): Promise<Rules> {
  const url = new URL("/robots.txt", origin);
  try {
    const got = await fetchBody(url, {
      ...o,
      maxBytes: MAX_ROBOTS_BYTES,
      accept: "text/plain,*/*;q=0.5",
      what: "robots.txt",
    });
    // The rules apply to the origin asked about, even when robots.txt itself was redirected.
    return { kind: "parsed", robot: robotsParser(url.href, decodePage(got.bytes, got.contentType)) };
  } catch (err) {
    if (err instanceof RedirectError) return { kind: "allow-all" };
    if (err instanceof StatusError) {
      if (err.status >= 400 && err.status < 500 && err.status !== 429) return { kind: "allow-all" };
      return {
        kind: "disallow-all",
        reason: `The site's robots.txt answered ${describeStatus(err.status)}; until it answers, the robots.txt standard asks crawlers not to read the site`,
      };
    }
    // Unreachable (timeout, refused, private address): the reason is the site's, not robots.txt's.
    return { kind: "disallow-all", reason: (err as Error).message };
  }
}
