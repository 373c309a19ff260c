import { describe, expect, it } from "vitest";
import { decodePage } from "./decode-page.ts";

// Old Russian and Thai sites still serve windows-1251, KOI8-R and TIS-620; the encoding is found
// the way a browser finds it, or the page would be indexed as mojibake.

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));
const concat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));
// "Привет" in windows-1251 and in KOI8-R; "สวัสดี" in TIS-620.
const PRIVET_1251 = bytes(0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2);
const PRIVET_KOI8 = bytes(0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4);
const SAWASDEE_TIS = bytes(0xca, 0xc7, 0xd1, 0xca, 0xb4, 0xd5);

describe("decodePage", () => {
  it("uses the Content-Type charset", () => {
    expect(decodePage(PRIVET_1251, "text/html; charset=windows-1251")).toBe("Привет");
    expect(decodePage(PRIVET_KOI8, 'text/html;charset="KOI8-R"')).toBe("Привет");
    expect(decodePage(SAWASDEE_TIS, "text/plain; charset=tis-620")).toBe("สวัสดี");
  });

  it("uses <meta charset>, <meta http-equiv> or the XML declaration when the header has none", () => {
    expect(decodePage(concat(ascii('<meta charset="cp1251"><p>'), PRIVET_1251), "text/html")).toContain(
      "Привет",
    );
    expect(
      decodePage(
        concat(
          ascii('<meta http-equiv="Content-Type" content="text/html; charset=TIS-620"><p>'),
          SAWASDEE_TIS,
        ),
        null,
      ),
    ).toContain("สวัสดี");
    expect(
      decodePage(concat(ascii('<?xml version="1.0" encoding="koi8-r"?><a>'), PRIVET_KOI8), null),
    ).toContain("Привет");
  });

  it("a byte-order mark wins over everything; the header wins over the page's own declaration", () => {
    const utf8 = Buffer.from("Привет");
    expect(decodePage(concat(bytes(0xef, 0xbb, 0xbf), utf8), "text/html; charset=windows-1251")).toBe(
      "Привет",
    );
    expect(decodePage(concat(bytes(0xff, 0xfe), Buffer.from("Hi", "utf16le")), null)).toBe("Hi");
    expect(
      decodePage(concat(ascii('<meta charset="koi8-r">'), PRIVET_1251), "text/html; charset=windows-1251"),
    ).toContain("Привет");
  });

  it("without a declaration: UTF-8 when valid, else windows-1252; unknown labels are ignored", () => {
    expect(decodePage(Buffer.from("Grüße, Привет"), null)).toBe("Grüße, Привет");
    expect(decodePage(bytes(0x63, 0x61, 0x66, 0xe9), "text/html")).toBe("café");
    expect(decodePage(Buffer.from("naïve"), "text/html; charset=x-no-such-charset")).toBe("naïve");
    // A meta tag that claims UTF-16 was itself readable as ASCII, so the page is not UTF-16.
    expect(decodePage(ascii('<meta charset="utf-16"><p>plain</p>'), null)).toContain("plain");
  });
});
