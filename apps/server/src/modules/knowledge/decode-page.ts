import { TextDecoder } from "node:util";

// Web pages still arrive in legacy encodings: Russian sites in windows-1251 or KOI8-R, Thai ones
// in TIS-620. Decoding them as UTF-8 would index mojibake that no customer's question matches.

const BOMS: [number[], string][] = [
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xfe, 0xff], "utf-16be"],
  [[0xff, 0xfe], "utf-16le"],
];

/**
 * Bytes → text, with the encoding chosen as a browser would: a byte-order mark first, then the
 * Content-Type header's charset, then a `<meta charset>` (or an XML declaration) near the top.
 * With none of these, UTF-8 if the bytes are valid UTF-8, else windows-1252 (the web's default).
 */
export function decodePage(bytes: Uint8Array, contentType: string | null): string {
  for (const [bom, encoding] of BOMS) {
    if (bom.every((b, i) => bytes[i] === b)) return decoder(encoding)!.decode(bytes.subarray(bom.length));
  }
  const declared = decoder(charsetOf(contentType)) ?? decoder(declaredInMarkup(bytes));
  if (declared) return declared.decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

export function charsetOf(contentType: string | null): string | null {
  return /;\s*charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? "")?.[1] ?? null;
}

/** The charset a page declares in its first bytes (browsers look at 1024; pages often run longer). */
function declaredInMarkup(bytes: Uint8Array): string | null {
  // Declarations are ASCII, so reading the bytes as latin1 finds them whatever the encoding.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString(
    "latin1",
  );
  const meta = /<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1];
  if (meta) {
    // A page cannot really be UTF-16 if its meta tag was readable as ASCII (HTML spec rule).
    return /^utf-?16/i.test(meta) ? "utf-8" : meta;
  }
  return /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)/i.exec(head)?.[1] ?? null;
}

function decoder(label: string | null): TextDecoder | null {
  if (!label) return null;
  try {
    return new TextDecoder(label.trim());
  } catch {
    return null; // an unknown label is ignored, as browsers do
  }
}
