import { constants, crc32, deflateRawSync } from "node:zlib";

// Real .docx files for tests, written by hand: a ZIP (deflated, as Word writes it) holding the
// parts a word processor needs — content types, relationships, styles and the document with
// Word's built-in heading styles, lists as numbered paragraphs and tables.

export type DocxBlock =
  | { heading: 1 | 2 | 3; text: string }
  | { title: string }
  | { paragraph: string }
  | { table: string[][] };

/** An entry compressed beforehand (see deflateRepeated), for archives far larger unpacked than packed. */
export type PackedEntry = { packed: Buffer; size: number; crc: number };

/**
 * Pieces of text, each repeated so many times, deflated without ever holding the whole: each
 * piece is a flushed, self-contained deflate block, so compressed copies can follow each other.
 */
export function deflateRepeated(pieces: [text: string, times: number][]): PackedEntry {
  const blocks: Buffer[] = [];
  let crc = 0;
  let size = 0;
  for (const [text, times] of pieces) {
    const data = Buffer.from(text, "utf8");
    const block = deflateRawSync(data, { finishFlush: constants.Z_FULL_FLUSH });
    for (let i = 0; i < times; i++) {
      crc = crc32(data, crc);
      blocks.push(block);
    }
    size += data.length * times;
  }
  blocks.push(deflateRawSync(Buffer.alloc(0)));
  return { packed: Buffer.concat(blocks), size, crc };
}

/** A ZIP archive of the given files (deflated entries, as office suites write them). */
export function makeZip(files: Record<string, string | Buffer | PackedEntry>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, body] of Object.entries(files)) {
    const entry =
      typeof body === "string" || Buffer.isBuffer(body)
        ? pack(Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"))
        : body;
    const { packed, crc } = entry;
    const data = { length: entry.size };
    const nameBytes = Buffer.from(name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function pack(data: Buffer): PackedEntry {
  return { packed: deflateRawSync(data), size: data.length, crc: crc32(data) };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const run = (text: string) => `<w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;
const para = (text: string, style?: string) =>
  `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ""}${run(text)}</w:p>`;

/** A Word document with the given headings, paragraphs and tables. */
export function makeDocx(blocks: DocxBlock[]): Buffer {
  const body = blocks
    .map((b) => {
      if ("title" in b) return para(b.title, "Title");
      if ("heading" in b) return para(b.text, `Heading${b.heading}`);
      if ("paragraph" in b) return para(b.paragraph);
      const rows = b.table.map((r) => `<w:tr>${r.map((c) => `<w:tc>${para(c)}</w:tc>`).join("")}</w:tr>`);
      return `<w:tbl>${rows.join("")}</w:tbl>`;
    })
    .join("");
  return docxPackage(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${body}<w:sectPr/></w:body></w:document>`,
  );
}

/** The XML of one ordinary paragraph, for building large documents piece by piece. */
export const docxParagraph = (text: string) => para(text);
/** What surrounds the paragraphs in word/document.xml. */
export const DOCX_BODY = {
  open: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>`,
  close: "<w:sectPr/></w:body></w:document>",
};

/** A .docx around the given word/document.xml (plain, or compressed beforehand). */
export function docxPackage(documentXml: string | PackedEntry): Buffer {
  const style = (id: string, name: string, size: number) =>
    `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="${size}"/></w:rPr></w:style>`;
  return makeZip({
    "[Content_Types].xml":
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
    "_rels/.rels":
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    "word/_rels/document.xml.rels":
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    "word/styles.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ${W}><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>${style("Title", "Title", 56)}${style("Heading1", "heading 1", 32)}${style("Heading2", "heading 2", 26)}${style("Heading3", "heading 3", 24)}</w:styles>`,
    "word/document.xml": documentXml,
  });
}
