import mammoth from "mammoth";
import type { Block } from "./chunk-text.ts";
import { IngestError } from "./ingest-error.ts";
import { htmlToDocument } from "./parse-html.ts";

// Word's own heading styles are mapped by mammoth already; a document's title style is a heading too.
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh"];

type Paragraph = { type: string; styleId: string | null; styleName: string | null };
const transforms = (
  mammoth as unknown as {
    transforms: {
      paragraph(f: (p: Paragraph) => Paragraph): (doc: unknown) => unknown;
      getDescendantsOfType(doc: unknown, type: string): Paragraph[];
    };
  }
).transforms;

/**
 * A document with a Title has its headings one level below it, so every section's heading path
 * starts with the title (rather than the title standing alone as a section of its own).
 */
function headingsBelowTitle(doc: unknown): unknown {
  const paragraphs = transforms.getDescendantsOfType(doc, "paragraph");
  if (!paragraphs.some((p) => p.styleName === "Title")) return doc;
  return transforms.paragraph((p) => {
    const level = Number(/^heading ?([1-5])$/i.exec(p.styleName ?? p.styleId ?? "")?.[1]);
    return level ? { ...p, styleId: `Heading${level + 1}`, styleName: `heading ${level + 1}` } : p;
  })(doc);
}

// Word's markup is verbose, but a 500-page document's XML is still only tens of megabytes.
const MAX_XML_BYTES = 128 * 1024 * 1024;

/** A Word document → blocks, through HTML so headings, lists and tables keep their shape. */
export async function parseDocx(content: Buffer): Promise<Block[]> {
  if (declaredXmlBytes(content) > MAX_XML_BYTES) {
    throw new IngestError(
      "This Word document would unpack to more than 128 MB of text (a compressed bomb?) and is not read",
    );
  }
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: content },
      {
        styleMap: STYLE_MAP,
        transformDocument: headingsBelowTitle,
        ignoreEmptyParagraphs: true,
        externalFileAccess: false, // a document must not make the server read its files
        // Pictures carry no searchable text; inlining them as data URIs would only cost memory.
        convertImage: mammoth.images.imgElement(async () => ({ src: "" })),
      },
    );
    html = result.value;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new IngestError(
      `This Word document is damaged or not really a .docx file and cannot be read (${detail.slice(0, 160)})`,
    );
  }
  return htmlToDocument(`<!doctype html><html><body>${html}</body></html>`, null, {
    wholeDocument: true,
  }).blocks;
}

/**
 * The unpacked size the ZIP's directory declares for its XML parts, read before anything is
 * inflated: a few kilobytes of crafted .docx can otherwise unpack to gigabytes. Pictures are
 * not counted (they are never unpacked). A damaged directory counts as 0 and is left to mammoth.
 */
function declaredXmlBytes(zip: Buffer): number {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > zip.length) return 0;
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  let total = 0;
  for (let i = 0; i < entries && at + 46 <= zip.length; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) break;
    const size = zip.readUInt32LE(at + 24); // 0xFFFFFFFF (ZIP64) reads as 4 GB: too large, rightly
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    if (/\.(?:xml|rels)$/i.test(name)) total += size;
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return total;
}
