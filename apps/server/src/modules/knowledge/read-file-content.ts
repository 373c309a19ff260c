import { blocksFromText } from "./chunk-text.ts";
import type { SourceDocument } from "./extract-source.ts";
import { IngestError } from "./ingest-error.ts";
import { htmlToDocument } from "./parse-html.ts";

export type UploadedFile = { kind: string; filename: string; content: Buffer };

/**
 * An uploaded file → documents, by the kind its content was detected as at upload. PDFs give a
 * document per page, CSVs one per row; the other kinds are one undivided document.
 * The PDF, Word and CSV readers are loaded only for files that need them.
 */
export async function readFileContent(file: UploadedFile): Promise<SourceDocument[]> {
  switch (file.kind) {
    case "pdf": {
      const { parsePdf } = await import("./parse-pdf.ts");
      return parsePdf(file.content);
    }
    case "docx": {
      const { parseDocx } = await import("./parse-docx.ts");
      return [{ location: null, blocks: await parseDocx(file.content) }];
    }
    case "csv": {
      const { parseCsv } = await import("./parse-csv.ts");
      return parseCsv(decodeText(file.content));
    }
    case "html":
      return [{ location: null, blocks: htmlToDocument(decodeText(file.content), null).blocks }];
    case "markdown":
    case "text":
      return [{ location: null, blocks: blocksFromText(decodeText(file.content)) }];
    default:
      throw new IngestError(`Files of kind "${file.kind}" cannot be read by this version`);
  }
}

/**
 * Text files are UTF-8 (checked at upload), with or without a byte-order mark (dropped here);
 * Windows tools also save "Unicode" text as UTF-16 with a mark. A bad byte past the part checked
 * at upload becomes U+FFFD rather than failing the whole file.
 */
export function decodeText(content: Buffer): string {
  if (content[0] === 0xff && content[1] === 0xfe)
    return new TextDecoder("utf-16le").decode(content.subarray(2));
  if (content[0] === 0xfe && content[1] === 0xff)
    return new TextDecoder("utf-16be").decode(content.subarray(2));
  return new TextDecoder("utf-8").decode(content);
}
