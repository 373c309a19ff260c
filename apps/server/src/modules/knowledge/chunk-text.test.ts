import { describe, expect, it } from "vitest";
import { estimateTokens } from "../conversations/build-prompt.ts";
import { type Block, blocksFromText, type Chunk, chunkBlocks } from "./chunk-text.ts";

describe("blocksFromText", () => {
  it("reads ATX and setext headings, paragraphs, lists with their paragraph and code fences", () => {
    const md = [
      "Guide\n=====\n\nWelcome to the shop.\nThis line is soft-wrapped.",
      "## Delivery ##\n\nWe deliver:\n- in the city\n- to the suburbs\n\n1. by courier\n2. by post",
      "Sub part\n--------\n#hashtag is text, not a heading\n\n***\n\n```sh\n# a comment, not a heading\n\necho hi\n```",
      "####### seven hashes is text",
    ].join("\n\n");
    expect(blocksFromText(md)).toEqual([
      { kind: "heading", level: 1, text: "Guide" },
      { kind: "paragraph", text: "Welcome to the shop. This line is soft-wrapped." },
      { kind: "heading", level: 2, text: "Delivery" },
      { kind: "paragraph", text: "We deliver:\n- in the city\n- to the suburbs\n1. by courier\n2. by post" },
      { kind: "heading", level: 2, text: "Sub part" },
      { kind: "paragraph", text: "#hashtag is text, not a heading" },
      { kind: "paragraph", text: "```sh\n# a comment, not a heading\n\necho hi\n```" },
      { kind: "paragraph", text: "####### seven hashes is text" },
    ]);
  });

  it("normalises CRLF, tabs, NBSP, zero-width and control characters, NUL and blank-line runs", () => {
    const text =
      "# Title\r\n\r\nPrice:\t100\u00a0THB\u200b per\u2060 item\u00ad.\0\u0007\r\n\r\n\r\n\r\n\uFEFFNext\u202Fline\x85done";
    expect(blocksFromText(text)).toEqual([
      { kind: "heading", level: 1, text: "Title" },
      { kind: "paragraph", text: "Price: 100 THB per item." },
      { kind: "paragraph", text: "Next line done" },
    ]);
    expect(blocksFromText("")).toEqual([]);
    expect(blocksFromText(" \n\t\n\u200b\n\0")).toEqual([]);
  });
});

// ---- Generated documents: the properties every chunking must have --------------------------------

function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN = "parcel courier price delivery order refund weekend city office card cash warranty box".split(" ");
const RU = "доставка курьер заказ оплата возврат склад неделя город карта гарантия посылка".split(" ");
const TH = "ร้าน เปิด ทุก วัน ค่า ส่ง สินค้า ภายใน กรุงเทพ บาท ฟรี เมื่อ ซื้อ ครบ พัสดุ".split(" ");
const MARKER = /(?:Fact |Факт |ข้อ)(\d+)/g;
const STARTS_SENTENCE = /^(?:- )?(?:Fact |Факт |ข้อ)\d/;

/** A Markdown document with nested headings and EN/RU/TH paragraphs; every sentence carries an id. */
function generate(seed: number, stress: boolean) {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = (words: string[], n: number) => Array.from({ length: n }, () => words[int(words.length)]!);
  const parts: string[] = [];
  const body: string[] = [];
  const pathOf: string[][] = [];
  const stack: string[] = [];
  for (let s = 0, sections = 1 + int(6); s < sections; s++) {
    if (s > 0 || rnd() < 0.7) {
      const level = 1 + int(Math.min(stack.length + 1, 4));
      stack.length = level - 1;
      stack.push(`Section ${s}`);
      parts.push(`${"#".repeat(level)} Section ${s}`);
    }
    for (let p = 0, paragraphs = 1 + int(4); p < paragraphs; p++) {
      const lang = int(3);
      const sentences = Array.from({ length: 1 + int(8) }, () => {
        pathOf.push([...stack]);
        const id = pathOf.length - 1;
        if (lang === 2) return `ข้อ${id}${pick(TH, 3 + int(10)).join("")}`;
        const words = pick(lang === 0 ? EN : RU, 3 + int(12)).join(" ");
        return `${lang === 0 ? "Fact" : "Факт"} ${id} ${words}.`;
      });
      if (stress && rnd() < 0.15) {
        pathOf.push([...stack]);
        const id = pathOf.length - 1;
        sentences.push(
          lang === 2 ? `ข้อ${id}${pick(TH, 400).join("")}` : `Fact ${id} ${pick(EN, 300).join(" ")}`,
        );
      }
      if (stress && rnd() < 0.1)
        sentences.push(pick([..."abcdefghijklmnopqrstuvwxyz"], 3000 + int(3000)).join(""));
      const text = rnd() < 0.3 ? sentences.map((x) => `- ${x}`).join("\n") : sentences.join(" ");
      parts.push(text);
      body.push(text);
    }
  }
  return { markdown: parts.join("\n\n"), body: body.join("").replace(/\s+/g, ""), pathOf };
}

/** Where each chunk sits in the whitespace-free body; asserts chunks are in order and leave no gaps. */
function locate(chunks: Chunk[], body: string) {
  const spans: { start: number; end: number }[] = [];
  for (const c of chunks) {
    const stripped = c.content.replace(/\s+/g, "");
    const prev = spans.at(-1) ?? { start: 0, end: 0 };
    const start = body.indexOf(stripped, prev.start);
    expect(start, `chunk ${c.position} is a piece of the input`).toBeGreaterThanOrEqual(0);
    expect(start, `no gap before chunk ${c.position}`).toBeLessThanOrEqual(prev.end);
    spans.push({ start, end: start + stripped.length });
    expect(spans.at(-1)!.end).toBeGreaterThan(prev.end);
  }
  expect(spans.at(-1)?.end ?? 0).toBe(body.length);
  return spans;
}

/** The prefix of `content` that holds its first `n` non-space characters. */
function prefixOf(content: string, n: number): string {
  let seen = 0;
  let i = 0;
  while (seen < n) if (!/\s/.test(content[i++]!)) seen++;
  return content.slice(0, i);
}

describe("chunkBlocks on generated documents", () => {
  const settings = [
    { maxTokens: 60, overlapTokens: 15 },
    { maxTokens: 120, overlapTokens: 30 },
    { maxTokens: 300, overlapTokens: 0 },
    { maxTokens: 800, overlapTokens: 100 },
  ];

  it("respects maxTokens, covers the input in order, keeps heading paths, overlaps in whole sentences", () => {
    for (let seed = 1; seed <= 60; seed++) {
      for (const opts of settings) {
        const { markdown, body, pathOf } = generate(seed, false);
        const chunks = chunkBlocks(blocksFromText(markdown), opts);
        const spans = locate(chunks, body);
        chunks.forEach((c, i) => {
          expect(c.position).toBe(i);
          expect(c.tokens).toBe(estimateTokens(c.content));
          expect(c.tokens).toBeLessThanOrEqual(opts.maxTokens);
          // Breaks fall between sentences: every chunk starts with one.
          expect(c.content).toMatch(STARTS_SENTENCE);
          for (const [, id] of c.content.matchAll(MARKER)) expect(c.headingPath).toEqual(pathOf[Number(id)]);
          const prev = chunks[i - 1];
          if (!prev || prev.headingPath.join("/") !== c.headingPath.join("/")) return;
          const overlap = prefixOf(c.content, spans[i - 1]!.end - spans[i]!.start);
          expect(estimateTokens(overlap)).toBeLessThanOrEqual(opts.overlapTokens);
          expect(c.content.slice(overlap.length).trimStart(), "overlap ends on a sentence").toMatch(
            STARTS_SENTENCE,
          );
          const lastSentence = prev.content.slice(
            [...prev.content.matchAll(/(?:- )?(?:Fact |Факт |ข้อ)\d/g)].at(-1)!.index,
          );
          const couldFit =
            estimateTokens(lastSentence) <= opts.overlapTokens &&
            estimateTokens(`${lastSentence}\n\n${c.content}`) <= opts.maxTokens;
          if (couldFit) expect(overlap.length, `chunk ${i} starts with an overlap`).toBeGreaterThan(0);
        });
      }
    }
  });

  it("splits over-long sentences at word boundaries and huge words hard, never exceeding maxTokens", () => {
    for (let seed = 100; seed < 130; seed++) {
      for (const opts of settings) {
        const { markdown, body, pathOf } = generate(seed, true);
        const chunks = chunkBlocks(blocksFromText(markdown), opts);
        locate(chunks, body);
        for (const c of chunks) {
          expect(c.tokens).toBeLessThanOrEqual(opts.maxTokens);
          for (const [, id] of c.content.matchAll(MARKER)) expect(c.headingPath).toEqual(pathOf[Number(id)]);
        }
      }
    }
  });

  it("is deterministic", () => {
    const { markdown } = generate(7, true);
    expect(chunkBlocks(blocksFromText(markdown))).toEqual(chunkBlocks(blocksFromText(markdown)));
  });
});

// ---- Specific behaviour ---------------------------------------------------------------------------

const para = (text: string): Block => ({ kind: "paragraph", text });
const heading = (level: number, text: string): Block => ({ kind: "heading", level, text });

describe("chunkBlocks", () => {
  it("returns [] for nothing to chunk", () => {
    expect(chunkBlocks([])).toEqual([]);
    expect(chunkBlocks([para("  \n "), { kind: "record", text: "\0" }])).toEqual([]);
  });

  it("tracks nested heading paths without repeating them in the content, and keeps empty sections", () => {
    const chunks = chunkBlocks(
      blocksFromText(
        "# Delivery\n## Prices\nCity: free.\n### Express\nSame day: 100 THB.\n## Areas\n# Returns\nWithin 30 days.",
      ),
    );
    expect(chunks.map((c) => [c.headingPath, c.content])).toEqual([
      [["Delivery", "Prices"], "City: free."],
      [["Delivery", "Prices", "Express"], "Same day: 100 THB."],
      [["Delivery"], "Areas"], // a heading with no text of its own is not lost
      [["Returns"], "Within 30 days."],
    ]);
  });

  it("prefers breaking between paragraphs to breaking inside one", () => {
    const a = "Alpha one is here. Alpha two is here. Alpha three is here.";
    const b = "Beta one is here. Beta two is here. Beta three is here.";
    const chunks = chunkBlocks([para(a), para(b)], { maxTokens: 20, overlapTokens: 5 });
    expect(chunks.map((c) => c.content)).toEqual([a, `Alpha three is here.\n\n${b}`]);
  });

  it("makes each record exactly one chunk: never merged, split or overlapped; enormous ones truncated", () => {
    const row = (n: number) => `Product: Box ${n}\nPrice: ${n * 10} THB\nStock: yes`;
    const huge = `Q: everything? A: ${"word ".repeat(400)}`;
    const chunks = chunkBlocks(
      [
        heading(1, "Catalogue"),
        para("Prices are in baht. They include VAT."),
        ...[1, 2, 3].map((n) => ({ kind: "record" as const, text: row(n) })),
        { kind: "record", text: huge },
        para("After the table."),
      ],
      { maxTokens: 40, overlapTokens: 10 },
    );
    expect(chunks.map((c) => c.content)).toEqual([
      "Prices are in baht. They include VAT.",
      row(1),
      row(2),
      row(3),
      expect.stringMatching(/^Q: everything\? A: (?:word )+word$/),
      "After the table.",
    ]);
    expect(chunks.every((c) => c.headingPath.join() === "Catalogue")).toBe(true);
    expect(chunks[4]!.tokens).toBeLessThanOrEqual(80);
    expect(chunks[4]!.tokens).toBeGreaterThan(70);
  });

  it("chunks Thai text without spaces at word boundaries, and Thai sentences at the spaces between them", () => {
    const rnd = random(42);
    const words = Array.from({ length: 600 }, () => TH[Math.floor(rnd() * TH.length)]!);
    const text = words.join("");
    const boundaries = new Set([0, text.length]);
    for (const s of new Intl.Segmenter("th", { granularity: "word" }).segment(text)) boundaries.add(s.index);
    const chunks = chunkBlocks([para(text)], { maxTokens: 50, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(10);
    let from = 0;
    for (const c of chunks) {
      expect(c.tokens).toBeLessThanOrEqual(50);
      const start = text.indexOf(c.content, from);
      expect(boundaries.has(start) && boundaries.has(start + c.content.length)).toBe(true);
      from = start;
    }
    const sentences = [
      "ร้านเปิดทุกวันตั้งแต่เก้าโมงเช้าถึงหกโมงเย็น",
      "ค่าส่งสินค้าภายในกรุงเทพห้าสิบบาท",
      "ส่งฟรีเมื่อซื้อครบหนึ่งพันบาท",
    ];
    const thai = chunkBlocks([para(sentences.join(" "))], { maxTokens: 34, overlapTokens: 0 });
    expect(thai.map((c) => c.content)).toEqual([sentences[0], `${sentences[1]} ${sentences[2]}`]);
  });

  it("chunks Russian and English at sentence ends (abbreviations like «руб. в» do not end one)", () => {
    const ru =
      "Доставка по Москве стоит 300 руб. в пределах МКАД. Курьер приезжает за один день. Оплата картой.";
    const chunks = chunkBlocks([heading(2, "Доставка"), para(ru)], { maxTokens: 20, overlapTokens: 0 });
    expect(chunks.map((c) => c.content)).toEqual([
      "Доставка по Москве стоит 300 руб. в пределах МКАД.",
      "Курьер приезжает за один день. Оплата картой.",
    ]);
    expect(chunks[0]!.headingPath).toEqual(["Доставка"]);
    const en = "We ship worldwide! Orders leave within 24 hours? Yes. Tracking links arrive by email.";
    expect(chunkBlocks([para(en)], { maxTokens: 14, overlapTokens: 4 }).map((c) => c.content)).toEqual([
      "We ship worldwide! Orders leave within 24 hours? Yes.",
      "Yes. Tracking links arrive by email.",
    ]);
  });

  it("cleans raw block text from other parsers (NUL, CRLF, zero-width)", () => {
    const [chunk] = chunkBlocks([heading(1, "Ti\u200btle\r\n"), para("Line\0 one.\r\nLine\u00a0two.")]);
    expect(chunk).toEqual({
      position: 0,
      content: "Line one.\nLine two.",
      headingPath: ["Title"],
      tokens: 5,
    });
  });
});
