import type { SourceDocument } from "./extract-source.ts";
import { IngestError } from "./ingest-error.ts";
import type { IngestDeps } from "./ingest-source.ts";

/** A website source → one document per page read. Being written (issue 4). */
export async function readWebsite(
  _deps: IngestDeps,
  input: { url: string; mode: "page" | "sitemap" | "crawl"; maxPages: number },
): Promise<SourceDocument[]> {
  throw new IngestError(`Reading ${input.url} is not possible yet`);
}
