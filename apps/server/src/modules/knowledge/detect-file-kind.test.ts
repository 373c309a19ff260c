import { describe, expect, it } from "vitest";
import { makeDocx, makeZip } from "../../../test/make-docx.ts";
import { makeTextPdf } from "../../../test/make-pdf.ts";
import { AppError } from "../../platform/errors.ts";
import { detectFileKind } from "./detect-file-kind.ts";

// A file's kind comes from its bytes; its name only chooses between kinds of text.

function refusal(content: Buffer | string, filename: string): AppError {
  try {
    detectFileKind(Buffer.from(content), filename);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error(`${filename} was accepted`);
}

// The first bytes of a Windows program: "MZ", then binary header fields.
const EXE = Buffer.concat([
  Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]),
  Buffer.alloc(120, 0),
]);

describe("detectFileKind", () => {
  it("knows PDFs and Word documents by their content, whatever they are called", async () => {
    const pdf = await makeTextPdf(["Hello"]);
    expect(detectFileKind(pdf, "menu.pdf")).toBe("pdf");
    expect(detectFileKind(pdf, "menu.txt")).toBe("pdf");
    expect(detectFileKind(pdf, "menu")).toBe("pdf");
    // A few bytes before the header, as some generators write them, when the name says PDF.
    expect(detectFileKind(Buffer.concat([Buffer.from("\r\n\r\n"), pdf]), "menu.pdf")).toBe("pdf");
    const docx = makeDocx([{ paragraph: "Hello" }]);
    expect(detectFileKind(docx, "handbook.docx")).toBe("docx");
    expect(detectFileKind(docx, "handbook.zip")).toBe("docx");
  });

  it("reads text kinds by extension, sniffs HTML without one, and accepts UTF-8 with a BOM and UTF-16", () => {
    expect(detectFileKind(Buffer.from("a,b\n1,2\n"), "prices.csv")).toBe("csv");
    expect(detectFileKind(Buffer.from("a\tb\n1\t2\n"), "prices.tsv")).toBe("csv");
    expect(detectFileKind(Buffer.from("# Returns"), "faq.md")).toBe("markdown");
    expect(detectFileKind(Buffer.from("<p>Hi</p>"), "page.htm")).toBe("html");
    expect(detectFileKind(Buffer.from("\uFEFF  <!DOCTYPE html><html></html>"), "saved")).toBe("html");
    expect(detectFileKind(Buffer.from("\uFEFFnotes"), "notes.txt")).toBe("text");
    expect(detectFileKind(Buffer.from("just notes"), "README")).toBe("text");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Доставка", "utf16le")]);
    expect(detectFileKind(utf16, "notes.txt")).toBe("text");
    // Text that happens to begin like a program header is still text.
    expect(detectFileKind(Buffer.from("MZ Coffee: opening hours"), "notes.txt")).toBe("text");
  });

  it("an empty file is a 400; a program named .pdf, images and archives are 415 saying what they are", () => {
    const empty = refusal("", "empty.pdf");
    expect([empty.code, empty.message]).toEqual(["VALIDATION_FAILED", "The file is empty"]);
    for (const [content, name, message] of [
      [EXE, "invoice.pdf", /^This file is a Windows program, not a document/],
      [EXE, "setup.exe", /^This file is a Windows program, not a document/],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), "menu.png", /a PNG image/],
      [Buffer.from("just text"), "menu.pdf", /^This file is named \.pdf but its content is not a PDF file$/],
      [makeZip({ "photo.jpg": "x" }), "archive.docx", /ZIP archive, not a Word document/],
      [makeZip({ "xl/workbook.xml": "<x/>" }), "prices.xlsx", /save the sheet as CSV/],
      [
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
        "secret.docx",
        /password-protected/,
      ],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), "old.doc", /Old Word/],
      [Buffer.from("caf\xe9 au lait", "latin1"), "menu.txt", /save it as UTF-8/],
      [Buffer.from("a\u0000b"), "notes.txt", /binary/],
      [Buffer.from('{"a":1}'), "data.json", /Files of type \.json are not supported/],
    ] as const) {
      const err = refusal(content, name);
      expect(err.code, name).toBe("UNSUPPORTED_MEDIA_TYPE");
      expect(err.message, name).toMatch(message);
    }
  });
});
