import { gunzipSync } from "node:zlib";
import { decodePage } from "./decode-page.ts";
import { type Fetched, fetchBody } from "./fetch-page.ts";
import { IngestError } from "./ingest-error.ts";
import type { Robots } from "./robots.ts";
import { pageKey, siteKey } from "./site-urls.ts";

/** A sitemap index may point at many sitemaps; reading a handful is enough to find the pages. */
const MAX_SITEMAP_FILES = 20;

type SitemapDeps = { fetch: typeof fetch; timeoutMs: number; maxBytes: number; robots: Robots };

/**
 * The page URLs a site's sitemap lists, in its order, at most `limit`, only those of the site
 * itself. `start` may be the sitemap (sitemap.xml, a sitemap index, .xml.gz) or any page of the
 * site, in which case the sitemaps named in robots.txt, then /sitemap.xml, are used.
 */
export async function sitemapPageUrls(deps: SitemapDeps, start: URL, limit: number): Promise<URL[]> {
  const site = siteKey(start);
  const queue: string[] = [start.href];
  const queued = new Set(queue);
  const pages = new Map<string, URL>();
  let firstFailure: string | null = null;
  let fallbackAdded = false;
  let read = 0;
  while (pages.size < limit && read < MAX_SITEMAP_FILES) {
    const next = queue.shift();
    if (next === undefined) {
      // The address given was not a sitemap: look where sites announce theirs.
      if (fallbackAdded) break;
      fallbackAdded = true;
      const announced = await deps.robots.sitemaps(start.origin);
      for (const u of [...announced, new URL("/sitemap.xml", start.origin).href]) {
        if (!queued.has(u)) {
          queued.add(u);
          queue.push(u);
        }
      }
      continue;
    }
    read++;
    let sitemap: { kind: "index" | "urlset"; locations: string[] } | null;
    try {
      sitemap = parseSitemap(
        await fetchBody(new URL(next), {
          ...deps,
          accept: "application/xml,text/xml;q=0.9,*/*;q=0.5",
          what: "sitemap",
        }),
      );
    } catch (err) {
      if (!(err instanceof IngestError)) throw err;
      firstFailure ??= `${next}: ${err.message}`;
      continue;
    }
    if (!sitemap) continue; // an HTML page, most likely the site's home page
    for (const loc of sitemap.locations) {
      const url = parseHttpUrl(loc);
      if (!url) continue;
      if (sitemap.kind === "index") {
        if (!queued.has(url.href)) {
          queued.add(url.href);
          queue.push(url.href);
        }
      } else if (siteKey(url) === site && !pages.has(pageKey(url)) && pages.size < limit) {
        pages.set(pageKey(url), url);
      }
    }
  }
  if (pages.size === 0) {
    throw new IngestError(
      read > 0 && firstFailure === null
        ? "The sitemap lists no pages of this site"
        : `No sitemap could be read${firstFailure ? ` (${firstFailure})` : ""}`,
    );
  }
  return [...pages.values()];
}

/** A sitemap's <loc> entries; null when the body is not a sitemap at all. */
export function parseSitemap(fetched: Pick<Fetched, "bytes" | "contentType" | "truncated">): {
  kind: "index" | "urlset";
  locations: string[];
} | null {
  let bytes = fetched.bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: 50 * 1024 * 1024 });
    } catch {
      throw new IngestError("The sitemap is a damaged or too large .gz file");
    }
  }
  const xml = decodePage(bytes, fetched.contentType);
  // A regular expression rather than an XML parser: sitemaps are flat lists of <loc>, and a
  // sitemap cut at the size limit still yields every entry before the cut.
  const kind = /<(?:\w+:)?sitemapindex[\s>]/.test(xml)
    ? "index"
    : /<(?:\w+:)?urlset[\s>]/.test(xml)
      ? "urlset"
      : null;
  if (!kind) return null;
  const locations: string[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?loc>\s*(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?\s*<\/(?:\w+:)?loc>/g)) {
    locations.push(decodeXmlEntities(m[1]!.trim()));
  }
  return { kind, locations };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeXmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[e] ?? whole;
  });
}

function parseHttpUrl(s: string): URL | null {
  try {
    const url = new URL(s);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    url.hash = "";
    return url;
  } catch {
    return null;
  }
}
