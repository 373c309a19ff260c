import { getDocumentProxy } from "unpdf";
import type { Block } from "./chunk-text.ts";
import type { SourceDocument } from "./extract-source.ts";
import { IngestError } from "./ingest-error.ts";

type Line = { text: string; size: number; y: number };
type PdfTextItem = { str?: string; transform?: number[]; hasEOL?: boolean };

/**
 * A PDF → one document per page with text ("page N"). Lines set in a larger type than the body
 * become headings, and the heading trail carries over to the next page, so a passage on page 5
 * still knows it belongs to "Returns". Reads text only: nothing is rendered and nothing fetched.
 */
export async function parsePdf(content: Buffer): Promise<SourceDocument[]> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(content), {
      verbosity: 0, // pdf.js would print warnings about every odd font to stdout
      disableFontFace: true,
      stopAtErrors: false,
    });
  } catch (err) {
    throw openFailure(err);
  }
  try {
    const pages: Line[][] = [];
    let failed = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      try {
        const page = await pdf.getPage(n);
        const text = await page.getTextContent();
        pages.push(linesOf(text.items as PdfTextItem[]));
        page.cleanup();
      } catch (err) {
        if (isPassword(err)) throw openFailure(err);
        // One damaged page should not cost the reader the other ninety-nine.
        failed++;
        pages.push([]);
      }
    }
    if (failed > 0 && failed === pdf.numPages) {
      throw new IngestError("This PDF is damaged: none of its pages could be read");
    }
    const documents = toDocuments(pages);
    if (documents.length === 0) {
      throw new IngestError(
        "This PDF has no text layer (is it a scan?). Upload a PDF with selectable text, or run it through text recognition (OCR) first",
      );
    }
    return documents;
  } finally {
    await pdf.loadingTask.destroy().catch(() => {});
  }
}

const isPassword = (err: unknown) => (err as { name?: string } | null)?.name === "PasswordException";

function openFailure(err: unknown): IngestError {
  if (isPassword(err)) {
    return new IngestError(
      "This PDF is password-protected; save or export it without a password and upload it again",
    );
  }
  const name = (err as { name?: string } | null)?.name;
  if (name === "InvalidPDFException") {
    return new IngestError(
      "This PDF is damaged or incomplete and cannot be read; export it again and re-upload",
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new IngestError(`This PDF cannot be read (${detail.slice(0, 200)})`);
}

/** Text items → lines: pdf.js marks where a line ends; a line's size is its largest type. */
function linesOf(items: PdfTextItem[]): Line[] {
  const lines: Line[] = [];
  let text = "";
  let size = 0;
  let y = Number.NaN;
  const end = () => {
    const t = text.replace(/\s+/g, " ").trim();
    if (t) lines.push({ text: t, size: Math.round(size * 10) / 10, y });
    text = "";
    size = 0;
    y = Number.NaN;
  };
  for (const item of items) {
    if (typeof item.str !== "string") continue; // marked-content markers
    if (item.str.trim()) {
      const t = item.transform ?? [1, 0, 0, 1, 0, 0];
      size = Math.max(size, Math.hypot(t[2] ?? 0, t[3] ?? 0));
      if (Number.isNaN(y)) y = t[5] ?? 0;
    }
    text += item.str;
    if (item.hasEOL) end();
  }
  end();
  return lines;
}

function toDocuments(pages: Line[][]): SourceDocument[] {
  const body = bodySize(pages);
  const headingSizes = [
    ...new Set(
      pages
        .flat()
        .filter((l) => isHeading(l, body))
        .map((l) => l.size),
    ),
  ]
    .sort((a, b) => b - a)
    .slice(0, 3);
  const levelOf = (l: Line) => {
    const i = headingSizes.findIndex((s) => l.size >= s * 0.95);
    return i < 0 ? headingSizes.length : i + 1;
  };
  const documents: SourceDocument[] = [];
  let trail: { level: number; text: string }[] = [];
  pages.forEach((lines, i) => {
    if (lines.length === 0) return;
    const blocks: Block[] = [];
    let para: string[] = [];
    let prev: Line | null = null;
    const flush = () => {
      if (para.length) blocks.push({ kind: "paragraph", text: joinLines(para) });
      para = [];
    };
    for (const line of lines) {
      if (isHeading(line, body)) {
        flush();
        const level = levelOf(line);
        const last = blocks.at(-1);
        // A heading that wraps onto a second line is still one heading.
        if (last?.kind === "heading" && last.level === level && prev && isHeading(prev, body))
          last.text = `${last.text} ${line.text}`;
        else blocks.push({ kind: "heading", level, text: line.text });
      } else {
        // A gap clearly wider than the line spacing separates paragraphs.
        if (prev && !isHeading(prev, body) && Math.abs(prev.y - line.y) > Math.max(line.size, body) * 1.9)
          flush();
        if (LIST_ITEM.test(line.text)) flush();
        para.push(line.text);
      }
      prev = line;
    }
    flush();
    // The page continues the sections open at the end of the last one, up to its own first heading.
    const first = blocks[0];
    const carried = first?.kind === "heading" ? trail.filter((h) => h.level < first.level) : trail;
    blocks.unshift(...carried.map((h): Block => ({ kind: "heading", ...h })));
    trail = headingTrail(blocks);
    if (blocks.some((b) => b.kind === "paragraph")) documents.push({ location: `page ${i + 1}`, blocks });
  });
  return documents;
}

const LIST_ITEM = /^(?:[-*•▪◦‣]|\d{1,3}[.)])\s/;

/** The type size most of the text is set in. */
function bodySize(pages: Line[][]): number {
  const chars = new Map<number, number>();
  for (const l of pages.flat()) chars.set(l.size, (chars.get(l.size) ?? 0) + l.text.length);
  let best = 0;
  let most = -1;
  for (const [size, n] of chars) if (n > most) [best, most] = [size, n];
  return best;
}

const isHeading = (l: Line, body: number) =>
  body > 0 && l.size >= body * 1.15 && l.text.length <= 150 && /\p{L}/u.test(l.text);

function headingTrail(blocks: Block[]): { level: number; text: string }[] {
  const trail: { level: number; text: string }[] = [];
  for (const b of blocks) {
    if (b.kind !== "heading") continue;
    while (trail.length > 0 && trail.at(-1)!.level >= b.level) trail.pop();
    trail.push({ level: b.level, text: b.text });
  }
  return trail;
}

/** Lines of one paragraph → one text; a word hyphenated across a line break is joined again. */
function joinLines(lines: string[]): string {
  let text = lines[0]!;
  for (const line of lines.slice(1)) {
    text = /\p{Ll}-$/u.test(text) && /^\p{Ll}/u.test(line) ? text.slice(0, -1) + line : `${text} ${line}`;
  }
  return text;
}
