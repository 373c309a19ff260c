import { crawlPages } from "./crawl-pages.ts";
import type { SourceDocument } from "./extract-source.ts";
import type { IngestDeps } from "./ingest-source.ts";
import { assertHasText, readPage, type SiteReader } from "./read-page.ts";
import { createRobots } from "./robots.ts";
import { sitemapPageUrls } from "./sitemap.ts";

/**
 * A website source → one document per page read, located by the page's URL.
 * page: that page alone, and any failure fails the source with its reason.
 * sitemap: the pages the site's sitemap lists; crawl: same-site links followed breadth-first.
 * In both, pages that fail are skipped as long as one page could be read.
 */
export async function readWebsite(
  deps: IngestDeps,
  input: {
    url: string;
    mode: "page" | "sitemap" | "crawl";
    maxPages: number;
    onPage?: ((pagesRead: number, maxPages: number) => void) | undefined;
  },
): Promise<SourceDocument[]> {
  const fetch = deps.outboundFetch;
  const timeoutMs = deps.config.knowledgeFetchTimeoutMs;
  const reader: SiteReader = {
    fetch,
    timeoutMs,
    maxBytes: deps.config.knowledgeMaxFileBytes,
    robots: createRobots({ fetch, timeoutMs }),
    logger: deps.logger,
  };
  const start = new URL(input.url);
  const maxPages = Math.max(1, Math.min(input.maxPages, deps.config.knowledgeMaxCrawlPages));
  const onPage = input.onPage && ((n: number) => input.onPage?.(n, maxPages));
  switch (input.mode) {
    case "page": {
      const page = await readPage(reader, start);
      assertHasText(page);
      return [{ location: page.url.href, blocks: page.blocks }];
    }
    case "sitemap": {
      const urls = await sitemapPageUrls({ ...reader }, start, maxPages);
      return crawlPages(reader, urls, { maxPages, follow: false, onPage });
    }
    case "crawl":
      return crawlPages(reader, [start], { maxPages, follow: true, onPage });
  }
}
