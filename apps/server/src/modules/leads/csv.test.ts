import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "./csv.ts";

describe("CSV cells", () => {
  it("quotes only what RFC 4180 needs quoted, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell("")).toBe("");
    expect(csvRow(["a", null, "c"])).toBe("a,,c\r\n");
  });

  it("turns a cell a spreadsheet would run as a formula into text with a leading apostrophe", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) {
      const value = `${start}1+1`;
      const cell = csvCell(value);
      const [parsed] = Papa.parse<string[]>(`${cell}\r\n`, { newline: "\r\n" }).data[0]!;
      expect(parsed, JSON.stringify(value)).toBe(`'${value}`);
    }
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""x"")"',
    );
    // Only the first character counts: these are ordinary text.
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell("jane+news@example.com")).toBe("jane+news@example.com");
    expect(csvCell(" =1")).toBe(" =1");
  });

  it("leaves Thai and Russian text as it is", () => {
    expect(csvRow(["สมชาย ใจดี", "Иван Петров"])).toBe("สมชาย ใจดี,Иван Петров\r\n");
  });
});
