import { sha256Hex } from "../../platform/crypto.ts";
import type { SourceDocument } from "./extract-source.ts";
import { IngestError } from "./ingest-error.ts";
import { assertHasText, readPage, type SiteReader } from "./read-page.ts";
import { RobotsError } from "./robots.ts";
import { cleanUrl, mayBePage, pageKey, siteKey } from "./site-urls.ts";

/** Pages fetched at once from one site: quick enough, and gentle on a small shop's server. */
export const CRAWL_CONCURRENCY = 3;

type Options = {
  maxPages: number;
  /** Follow same-site links found on the pages read (a crawl), or read only `start` (a sitemap). */
  follow: boolean;
  /** Called with the number of pages read so far, after each one (progress for the dashboard). */
  onPage?: ((pagesRead: number) => void) | undefined;
};

/**
 * Reads pages breadth-first, a few at a time, until `maxPages` pages with text were read or
 * nothing is left. A page that fails is skipped and logged; only when no page at all could be
 * read does the source fail, with the first page's reason.
 */
export async function crawlPages(r: SiteReader, start: URL[], o: Options): Promise<SourceDocument[]> {
  const sites = new Set(start.map(siteKey));
  const queue: URL[] = [];
  const seen = new Set<string>();
  const enqueue = (url: URL) => {
    const key = pageKey(url);
    if (seen.has(key) || queue.length > o.maxPages * 20) return;
    seen.add(key);
    queue.push(cleanUrl(url));
  };
  for (const url of start) enqueue(url);

  const results: { order: number; doc: SourceDocument }[] = [];
  const failures: { url: string; reason: string }[] = [];
  const readContents = new Set<string>();
  // Fetch attempts are bounded too, so a site full of broken links cannot keep a crawl going.
  const maxAttempts = o.maxPages * 3 + 10;
  let attempts = 0;
  let started = 0;
  let active = 0;

  const visit = async (url: URL, order: number) => {
    try {
      const page = await readPage(r, url);
      // The start page may move elsewhere (example.com → example.org/en/): that becomes the site.
      if (order === 0 && o.follow) sites.add(siteKey(page.url));
      else if (!sites.has(siteKey(page.url))) {
        throw new IngestError(`The page moved to another site (${page.url.href})`);
      }
      if (order !== 0 && seen.has(pageKey(page.url)) && pageKey(page.url) !== pageKey(url)) {
        return; // redirected to a page that is read anyway
      }
      seen.add(pageKey(page.url));
      if (o.follow) {
        for (const link of page.links) {
          const u = new URL(link);
          if (sites.has(siteKey(u)) && mayBePage(u)) enqueue(u);
        }
      }
      assertHasText(page);
      const fingerprint = sha256Hex(JSON.stringify(page.blocks));
      if (readContents.has(fingerprint)) return; // the same page under another address
      readContents.add(fingerprint);
      if (results.length < o.maxPages) {
        results.push({ order, doc: { location: page.url.href, blocks: page.blocks } });
        o.onPage?.(results.length);
      }
    } catch (err) {
      if (err instanceof RobotsError) attempts--; // nothing was fetched
      const reason = err instanceof IngestError ? err.message : "The page could not be read";
      failures.push({ url: url.href, reason });
      r.logger.info(
        { url: url.href, reason, err: err instanceof IngestError ? undefined : err },
        "web page skipped",
      );
    }
  };

  await new Promise<void>((resolve) => {
    const pump = () => {
      while (
        active < CRAWL_CONCURRENCY &&
        queue.length > 0 &&
        results.length + active < o.maxPages &&
        attempts < maxAttempts
      ) {
        const url = queue.shift()!;
        const order = started++;
        attempts++;
        active++;
        void visit(url, order).then(() => {
          active--;
          pump();
        });
      }
      if (active === 0) resolve();
    };
    pump();
  });

  if (results.length === 0) {
    const first = failures[0];
    if (!first) throw new IngestError("No page of the site could be read");
    if (failures.length === 1) throw new IngestError(first.reason);
    throw new IngestError(
      `None of the ${failures.length} pages tried could be read; the first, ${first.url}: ${first.reason}`,
    );
  }
  return results.sort((a, b) => a.order - b.order).map((x) => x.doc);
}
