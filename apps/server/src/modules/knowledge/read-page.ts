import type { Logger } from "../../platform/types.ts";
import { type Block, blocksFromText } from "./chunk-text.ts";
import { decodePage } from "./decode-page.ts";
import { type Fetched, fetchBody } from "./fetch-page.ts";
import { IngestError } from "./ingest-error.ts";
import { htmlToDocument } from "./parse-html.ts";
import type { Robots } from "./robots.ts";

export type SiteReader = {
  fetch: typeof fetch;
  timeoutMs: number;
  /** Bytes read of one page; a longer page is read up to here (its beginning is kept). */
  maxBytes: number;
  robots: Robots;
  logger: Logger;
};

export type Page = {
  /** The page's address after redirects. */
  url: URL;
  blocks: Block[];
  /** Absolute http(s) links on the page, for a crawl to follow. */
  links: string[];
};

const ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1";

/** One web page → its text as blocks, and its links. Only HTML and plain text are read. */
export async function readPage(r: SiteReader, url: URL): Promise<Page> {
  const got = await fetchBody(url, {
    fetch: r.fetch,
    timeoutMs: r.timeoutMs,
    maxBytes: r.maxBytes,
    accept: ACCEPT,
    what: "page",
    beforeHop: (hop) => r.robots.assertAllowed(hop),
  });
  const kind = contentKind(got);
  if (kind === null) {
    const type = mediaType(got.contentType) || "unknown type";
    throw new IngestError(`The page is not a web page or plain text (${type})`);
  }
  if (got.truncated) {
    r.logger.info(
      { url: got.url.href, maxBytes: r.maxBytes },
      "web page longer than the limit: its beginning is read",
    );
  }
  const text = decodePage(got.bytes, got.contentType);
  if (kind === "text") return { url: got.url, blocks: blocksFromText(text), links: [] };
  const doc = htmlToDocument(text, got.url.href);
  return { url: got.url, blocks: doc.blocks, links: doc.links };
}

/** A page whose only text is its title (an app that draws itself with JavaScript) teaches nothing. */
export function assertHasText(page: Page): void {
  if (!page.blocks.some((b) => b.kind !== "heading")) {
    throw new IngestError(
      "The page has no readable text (it may build its content with JavaScript, which is not run)",
    );
  }
}

const mediaType = (contentType: string | null) => (contentType ?? "").split(";")[0]!.trim().toLowerCase();

function contentKind(got: Fetched): "html" | "text" | null {
  const type = mediaType(got.contentType);
  if (type === "text/html" || type === "application/xhtml+xml") return "html";
  if (type === "text/plain" || type === "text/markdown" || type === "text/x-markdown") return "text";
  if (type === "" || type === "application/octet-stream") {
    // No declared type: believe the content if it starts like a web page.
    const head = Buffer.from(got.bytes.subarray(0, 512)).toString("latin1");
    if (/^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype html|html|head|body)[\s>]/i.test(head)) return "html";
  }
  return null;
}
