import type { SourceDocument } from "./extract-source.ts";
import { IngestError } from "./ingest-error.ts";

/** An uploaded file → documents. Being written (issue 4): PDF, DOCX, CSV, HTML, Markdown, text. */
export async function parseFile(file: {
  kind: string;
  filename: string;
  content: Buffer;
}): Promise<SourceDocument[]> {
  throw new IngestError(`Files of kind ${file.kind} cannot be read yet`);
}
