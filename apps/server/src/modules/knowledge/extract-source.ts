import type { Block } from "./chunk-text.ts";
import { blocksFromText } from "./chunk-text.ts";
import { IngestError } from "./ingest-error.ts";
import type { IngestDeps } from "./ingest-source.ts";
import { findFile, type SourceRow } from "./knowledge.repo.ts";
import { parseFile } from "./parse-file.ts";
import { readWebsite } from "./read-website.ts";

/**
 * One readable unit of a source: a web page, a PDF page, a file. Chunks never span two
 * documents, and each chunk remembers its document's location so a citation can point there.
 */
export type SourceDocument = {
  /** A page's URL, "page 3", "row 12"… null when the source is a single undivided text. */
  location: string | null;
  blocks: Block[];
};

/** Turns a stored source into documents, whatever its type. */
export async function extractDocuments(deps: IngestDeps, source: SourceRow): Promise<SourceDocument[]> {
  const input = source.input;
  switch (source.type) {
    case "text":
      return [{ location: null, blocks: blocksFromText(String(input.text ?? "")) }];
    case "qa": {
      const pairs = (input.pairs ?? []) as { question: string; answer: string }[];
      return [
        {
          location: null,
          blocks: pairs.map((p) => ({ kind: "record" as const, text: `Q: ${p.question}\nA: ${p.answer}` })),
        },
      ];
    }
    case "file": {
      const file = await findFile(deps.db, source.workspaceId, source.id);
      if (!file) throw new IngestError("The uploaded file is missing; upload it again");
      return parseFile({ kind: file.kind, filename: file.filename, content: file.content });
    }
    case "url":
      return readWebsite(deps, {
        url: String(input.url),
        mode: (input.mode ?? "page") as "page" | "sitemap" | "crawl",
        maxPages: Number(input.maxPages ?? deps.config.knowledgeMaxCrawlPages),
        // A crawl can take minutes: each page read is reported, for a live progress bar.
        onPage: (pagesRead, maxPages) =>
          deps.events.emit({
            type: "knowledge.source_progress",
            workspaceId: source.workspaceId,
            agentId: source.agentId,
            sourceId: source.id,
            pagesRead,
            maxPages,
          }),
      });
    default:
      throw new IngestError(`Sources of type "${source.type}" cannot be processed by this version`);
  }
}
