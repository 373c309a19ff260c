import { AppError } from "../../platform/errors.ts";

export const FILE_KINDS = ["pdf", "docx", "csv", "html", "markdown", "text"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const startsWith = (buf: Buffer, magic: number[]) => magic.every((b, i) => buf[i] === b);
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

/**
 * What a file really is, read from its first bytes rather than its name: a ".pdf" that is an
 * executable is refused at upload, and a PDF named ".txt" is still read as a PDF.
 */
export function detectFileKind(content: Buffer, filename: string): FileKind {
  if (content.length === 0) throw new AppError("VALIDATION_FAILED", "The file is empty");
  const ext = extensionOf(filename);
  if (startsWith(content, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "pdf"; // %PDF-
  if (startsWith(content, [0x50, 0x4b, 0x03, 0x04])) {
    // A .docx is a ZIP whose entry names (stored uncompressed) include word/document.xml.
    if (content.includes("word/document.xml")) return "docx";
    throw unsupported("This file is a ZIP archive but not a Word document (.docx)");
  }
  if (startsWith(content, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw unsupported(
      "Old Word (.doc) and Excel (.xls) files are not supported; save it as .docx, PDF or CSV",
    );
  }
  if (BINARY_EXTENSIONS.has(ext)) {
    throw unsupported(`This file is named .${ext} but its content is not a ${ext.toUpperCase()} file`);
  }
  // Everything else must be text: UTF-8 (with or without BOM) and no NUL bytes.
  const head = content.subarray(0, 64 * 1024);
  let text: string;
  try {
    text = utf8.decode(head.length < content.length ? trimPartialChar(head) : head);
  } catch {
    throw unsupported("This file is neither a PDF, a Word document nor UTF-8 text");
  }
  if (text.includes("\u0000")) throw unsupported("This file is binary, not a PDF, Word document or text");
  const byExtension = TEXT_KIND_BY_EXTENSION[ext];
  if (byExtension) return byExtension;
  if (/^\s*(?:<!doctype html|<html[\s>])/i.test(text.replace(/^\uFEFF/, ""))) return "html";
  if (ext === "" || ext === "log") return "text";
  throw unsupported(
    `Files of type .${ext} are not supported; upload PDF, Word (.docx), text, Markdown, CSV or HTML`,
  );
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
