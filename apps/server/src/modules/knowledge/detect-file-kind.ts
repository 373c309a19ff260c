import { AppError } from "../../platform/errors.ts";

export const FILE_KINDS = ["pdf", "docx", "csv", "html", "markdown", "text"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const startsWith = (buf: Buffer, magic: number[], at = 0) => magic.every((b, i) => buf[at + i] === b);
const extensionOf = (filename: string) => /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? "";
const unsupported = (message: string) => new AppError("UNSUPPORTED_MEDIA_TYPE", message);

const TEXT_KIND_BY_EXTENSION: Record<string, FileKind> = {
  csv: "csv",
  tsv: "csv",
  html: "html",
  htm: "html",
  xhtml: "html",
  md: "markdown",
  markdown: "markdown",
  mdx: "markdown",
  txt: "text",
  text: "text",
};
const BINARY_EXTENSIONS = new Set(["pdf", "docx"]);
const utf8 = new TextDecoder("utf-8", { fatal: true });
const PDF_MAGIC = Buffer.from("%PDF-");

/** Common files that are not documents, named so the refusal says what the file is. */
const KNOWN_BINARIES: [magic: number[], what: string][] = [
  [[0x4d, 0x5a], "a Windows program"],
  [[0x7f, 0x45, 0x4c, 0x46], "a program"],
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0xff, 0xd8, 0xff], "a JPEG image"],
  [[0x47, 0x49, 0x46, 0x38], "a GIF image"],
  [[0x1f, 0x8b], "a gzip archive"],
  [[0x52, 0x61, 0x72, 0x21], "a RAR archive"],
  [[0x37, 0x7a, 0xbc, 0xaf], "a 7-Zip archive"],
];

/**
 * What a file really is, read from its first bytes rather than its name: a ".pdf" that is an
 * executable is refused at upload, and a PDF named ".txt" is still read as a PDF.
 */
export function detectFileKind(content: Buffer, filename: string): FileKind {
  if (content.length === 0) throw new AppError("VALIDATION_FAILED", "The file is empty");
  const ext = extensionOf(filename);
  // The header may follow a little junk (some generators write a few bytes first); readers allow 1 KB.
  const pdfAt = content.subarray(0, 1024).indexOf(PDF_MAGIC);
  if (pdfAt === 0 || (pdfAt > 0 && ext === "pdf")) return "pdf";
  if (startsWith(content, [0x50, 0x4b, 0x03, 0x04])) {
    // A .docx is a ZIP whose entry names (stored uncompressed) include word/document.xml.
    if (content.includes("word/document.xml")) return "docx";
    if (content.includes("xl/workbook"))
      throw unsupported("Excel workbooks are not supported; save the sheet as CSV");
    if (content.includes("ppt/presentation")) {
      throw unsupported("PowerPoint files are not supported; save the presentation as PDF");
    }
    throw unsupported("This file is a ZIP archive, not a Word document (.docx)");
  }
  if (startsWith(content, [0xd0, 0xcf, 0x11, 0xe0])) {
    // Office keeps password-protected .docx/.xlsx files in this older container too.
    throw unsupported(
      ext === "docx" || ext === "xlsx"
        ? "This Office file is password-protected; save it without a password and upload it again"
        : "Old Word (.doc) and Excel (.xls) files are not supported; save it as .docx, PDF or CSV",
    );
  }
  // Named only when its first bytes are not text anyway: a text file may well begin with "MZ".
  const known = KNOWN_BINARIES.find(
    ([magic]) => startsWith(content, magic) && !isText(content.subarray(0, 64)),
  );
  if (known) {
    throw unsupported(
      `This file is ${known[1]}, not a document; upload PDF, Word (.docx), text, Markdown, CSV or HTML`,
    );
  }
  if (BINARY_EXTENSIONS.has(ext)) {
    throw unsupported(`This file is named .${ext} but its content is not a ${ext.toUpperCase()} file`);
  }
  const text = textSample(content);
  if (text.includes("\u0000")) throw unsupported("This file is binary, not a PDF, Word document or text");
  const byExtension = TEXT_KIND_BY_EXTENSION[ext];
  if (byExtension) return byExtension;
  if (/^\s*(?:<!doctype html|<html[\s>])/i.test(text.replace(/^\uFEFF/, ""))) return "html";
  if (ext === "" || ext === "log") return "text";
  throw unsupported(
    `Files of type .${ext} are not supported; upload PDF, Word (.docx), text, Markdown, CSV or HTML`,
  );
}

/**
 * The first 64 KB as text. Text must be UTF-8 (with or without a byte-order mark) or UTF-16 with
 * one, as Windows saves "Unicode" text; anything else is refused with how to fix it.
 */
function textSample(content: Buffer): string {
  if (startsWith(content, [0xff, 0xfe]) || startsWith(content, [0xfe, 0xff])) {
    const encoding = content[0] === 0xff ? "utf-16le" : "utf-16be";
    return new TextDecoder(encoding).decode(content.subarray(2, 2 + 64 * 1024));
  }
  const head = content.subarray(0, 64 * 1024);
  try {
    return utf8.decode(head.length < content.length ? trimPartialChar(head) : head);
  } catch {
    throw unsupported(
      "This file is neither a PDF, a Word document nor UTF-8 text; if it is text in another encoding, save it as UTF-8",
    );
  }
}

function isText(head: Buffer): boolean {
  try {
    return !utf8.decode(trimPartialChar(head)).includes("\u0000");
  } catch {
    return false;
  }
}

/** Drops an incomplete UTF-8 sequence at the end of a sample cut from a longer file. */
function trimPartialChar(buf: Buffer): Buffer {
  const end = buf.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const byte = buf[end - i]!;
    if ((byte & 0xc0) === 0xc0) return buf.subarray(0, end - i); // lead byte of a cut sequence
    if ((byte & 0x80) === 0) break;
  }
  return buf.subarray(0, end);
}
