import { describe, expect, it } from "vitest";
import { type Block, type Inline, parseMarkdown, safeUrl } from "./markdown.ts";

// Answers can quote anything (a knowledge page, a visitor's words): the reader must never turn
// them into markup or into a link that runs script.

function links(blocks: Block[]): string[] {
  const out: string[] = [];
  const walk = (nodes: Inline[]) => {
    for (const n of nodes) {
      if (n.t === "link") out.push(n.href);
      if ("c" in n) walk(n.c);
    }
  };
  for (const b of blocks) {
    if (b.t === "p") walk(b.c);
    if (b.t === "ul" || b.t === "ol") for (const i of b.items) walk(i);
  }
  return out;
}

describe("markdown for answers", () => {
  it("reads paragraphs, emphasis, code, lists, links and citation markers", () => {
    const blocks = parseMarkdown(
      "We are **open** from *7am* [1].\n\n- Espresso\n- `Latte`\n\n1. one\n2. two\n\nSee [menu](https://shop.example/menu).",
    );
    expect(blocks.map((b) => b.t)).toEqual(["p", "ul", "ol", "p"]);
    expect(blocks[0]).toEqual({
      t: "p",
      c: [
        { t: "text", v: "We are " },
        { t: "strong", c: [{ t: "text", v: "open" }] },
        { t: "text", v: " from " },
        { t: "em", c: [{ t: "text", v: "7am" }] },
        { t: "text", v: " " },
        { t: "cite", n: 1 },
        { t: "text", v: "." },
      ],
    });
    expect(links(blocks)).toEqual(["https://shop.example/menu"]);
  });

  it("keeps HTML as plain text and drops script links", () => {
    const hostile =
      '<script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) [x](data:text/html,hi) [y](  JaVaScRiPt:alert(4))';
    const blocks = parseMarkdown(hostile);
    expect(links(blocks)).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain("<script>alert(1)</script>");
    expect(blocks.every((b) => b.t === "p")).toBe(true);
    expect(safeUrl("javascript:alert(1)")).toBeNull();
    expect(safeUrl("vbscript:x")).toBeNull();
    expect(safeUrl("mailto:a@example.com")).toBe("mailto:a@example.com");
  });
});
