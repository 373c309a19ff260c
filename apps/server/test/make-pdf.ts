// A small, real PDF writer for tests and benchmarks: text pages in any script of the Basic
// Multilingual Plane (Latin, Cyrillic, Thai…), laid out as lines, with a ToUnicode map so
// extractors read back exactly the text written — as they do for PDFs that word processors
// export. Written by hand (about a page) rather than pulling a PDF library in for tests.

export type PdfOptions = {
  /** Points of font size; lines are wrapped to fit an A4 page. */
  fontSize?: number;
  /** Pages get a drawn shape and no text at all, like a scan without OCR. */
  scanned?: boolean;
};

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN = 56;

/**
 * A multi-page text PDF: one string per page ("" gives a blank page); "\n" starts a new line,
 * long lines wrap, and "# Title" / "## Section" lines become larger heading lines.
 */
export async function makeTextPdf(pages: string[], opts: PdfOptions = {}): Promise<Buffer> {
  const size = opts.fontSize ?? 11;
  const maxChars = Math.floor((PAGE_W - 2 * MARGIN) / (size * 0.5));
  const objects: string[] = []; // objects[i] is object number i + 1
  const add = (body: string) => objects.push(body);
  add("<< /Type /Catalog /Pages 2 0 R >>");
  add(""); // the page tree, written once the pages' numbers are known
  add(
    "<< /Type /Font /Subtype /Type0 /BaseFont /MiniChatSans /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
  );
  add(
    "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /MiniChatSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R /DW 500 /CIDToGIDMap /Identity >>",
  );
  add(stream(toUnicodeCMap()));
  add(
    "<< /Type /FontDescriptor /FontName /MiniChatSans /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
  );
  const kids: number[] = [];
  for (const text of pages) {
    const ops = opts.scanned ? scanOps() : textOps(wrap(text, maxChars), size);
    add(stream(ops));
    const contents = objects.length;
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${contents} 0 R >>`,
    );
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`;

  // Byte offsets matter for the xref table: everything written is ASCII, so length = bytes.
  let out = "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

function stream(content: string): string {
  return `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`;
}

function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/ +/)) {
      if (line && line.length + 1 + word.length > maxChars) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Each line is placed on its own (as word processors do); characters are written as their UTF-16
 * code units. A line starting with "# " or "## " is drawn larger, without the marks: a heading.
 */
function textOps(lines: string[], size: number): string {
  const ops: string[] = [];
  let y = PAGE_H - MARGIN;
  for (const line of lines) {
    const heading = /^(#{1,3}) +(.*)$/.exec(line);
    const text = heading ? heading[2]! : line;
    const s = heading ? size * [2, 1.6, 1.3][heading[1]!.length - 1]! : size;
    y -= s * 1.4;
    if (text === "") continue;
    let hex = "";
    for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0");
    ops.push(`BT /F1 ${s} Tf ${MARGIN} ${y.toFixed(1)} Td <${hex}> Tj ET`);
  }
  return ops.join("\n");
}

function scanOps(): string {
  return `0.85 g ${MARGIN} ${MARGIN} ${PAGE_W - 2 * MARGIN} ${PAGE_H - 2 * MARGIN} re f`;
}

/** Maps every 2-byte code to the same UTF-16 code unit (in the 100-entries-per-section CMap form). */
function toUnicodeCMap(): string {
  const ranges: string[] = [];
  for (let hi = 0; hi < 256; hi++) {
    if (hi >= 0xd8 && hi <= 0xdf) continue; // surrogates are not characters
    const h = hi.toString(16).padStart(2, "0");
    ranges.push(`<${h}00> <${h}ff> <${h}00>`);
  }
  const sections: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const part = ranges.slice(i, i + 100);
    sections.push(`${part.length} beginbfrange\n${part.join("\n")}\nendbfrange`);
  }
  return [
    "/CIDInit /ProcSet findresource begin",
    "12 dict begin",
    "begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
    "/CMapName /Adobe-Identity-UCS def",
    "/CMapType 2 def",
    "1 begincodespacerange\n<0000> <ffff>\nendcodespacerange",
    ...sections,
    "endcmap",
    "CMapName currentdict /CMap defineresource pop",
    "end",
    "end",
  ].join("\n");
}
