// Text → blocks → chunks for the knowledge base. Pure and deterministic: the same input always
// gives the same chunks, so re-ingesting unchanged content reproduces identical rows.
import { estimateTokens } from "../conversations/build-prompt.ts";

export type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "record"; text: string }; // one CSV row / Q&A pair: never split, never merged with neighbours
export type Chunk = { position: number; content: string; headingPath: string[]; tokens: number };

const sentenceSegmenter = new Intl.Segmenter("en", { granularity: "sentence" });
const wordSegmenter = new Intl.Segmenter("th", { granularity: "word" });
const THAI = /[\u0E00-\u0E7F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: line breaks in all their spellings
const LINE_BREAK = /\r\n?|[\u000B\f\u0085\u2028]/g;
// Control characters (C0 except tab/newline, DEL, C1): PostgreSQL text cannot even hold NUL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g;

/** Idempotent clean-up shared by the parser and the chunker (blocks may come from other parsers). */
function normalise(text: string): string {
  return text
    .normalize("NFC")
    .replace(LINE_BREAK, "\n")
    .replace(/\u2029/g, "\n\n")
    .replace(CONTROL, "")
    .replace(/[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/g, "") // zero-width, soft hyphen
    .replace(/[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, " ")
    .replace(/(\S) {2,}/g, "$1 ")
    .replace(/ +$/gm, "")
    .replace(/\n{3,}/g, "\n\n");
}

const LIST_ITEM = /^(?:[-*+•]|\d{1,9}[.)])\s/;
const THEMATIC_BREAK = /^([-*_=])(?:\s*\1){2,}$/;

/** Markdown/plain text → blocks: ATX and setext headings, paragraphs (lists kept with theirs), fences. */
export function blocksFromText(text: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let fence: string | null = null;
  let listAfterBlank = false; // the paragraph being built started as a list after a blank line
  const flush = () => {
    if (para.length === 0) return;
    let joined = para[0]!;
    for (let i = 1; i < para.length; i++) {
      const line = para[i]!;
      // Soft-wrapped lines are one sentence; list items and table rows keep their own lines.
      const own = LIST_ITEM.test(line) || line.startsWith("|") || para[i - 1]!.startsWith("|");
      joined += (own ? "\n" : " ") + line;
    }
    const prev = blocks.at(-1);
    if (listAfterBlank && prev?.kind === "paragraph" && !/^(?:`{3}|~{3})/.test(prev.text))
      prev.text += `\n${joined}`;
    else blocks.push({ kind: "paragraph", text: joined });
    para = [];
  };
  let prevBlank = true;
  for (const raw of normalise(text).split("\n")) {
    const line = raw.trim();
    if (fence !== null) {
      // Code keeps its lines and indentation; a "#" inside it is not a heading.
      blocks.at(-1)!.text += `\n${raw}`;
      if (line.startsWith(fence) && /^[`~]+$/.test(line)) fence = null;
      continue;
    }
    const opener = /^(`{3,}|~{3,})/.exec(line);
    const atx = /^(#{1,6})(?:\s+(.*?))?(?:\s+#+)?$/.exec(line);
    if (line === "") {
      flush();
    } else if (opener) {
      flush();
      fence = opener[1]!;
      blocks.push({ kind: "paragraph", text: line });
    } else if (atx) {
      flush();
      const heading = (atx[2] ?? "").replace(/^#+$/, "").trim();
      if (heading) blocks.push({ kind: "heading", level: atx[1]!.length, text: heading });
    } else if (/^(?:=+|-+)$/.test(line) && para.length > 0 && !LIST_ITEM.test(para[0]!)) {
      blocks.push({ kind: "heading", level: line[0] === "=" ? 1 : 2, text: para.join(" ") });
      para = [];
    } else if (THEMATIC_BREAK.test(line)) {
      flush();
    } else {
      if (para.length === 0) listAfterBlank = prevBlank && LIST_ITEM.test(line);
      para.push(line);
    }
    prevBlank = line === "";
  }
  flush();
  return blocks;
}

// Sizes are counted in quarter tokens: estimateTokens(t) === ceil(weight(t) / 4), and weights add up.
function weight(text: string): number {
  let thai = 0;
  for (const ch of text) if (THAI.test(ch)) thai++;
  return text.length + thai;
}

/** A contiguous slice of one paragraph; `gap` is the weight of the text between it and the previous unit. */
type Unit = { p: number; start: number; end: number; w: number; gap: number; sentence: boolean };

const wordStarts = (text: string) =>
  [...wordSegmenter.segment(text)].filter((seg) => seg.isWordLike).map((seg) => seg.index);

/** Pieces of text[start, end) cut before words, each weighing at most `limit` (a longer word is cut hard). */
function splitWords(text: string, start: number, end: number, limit: number): [number, number][] {
  const s = text.slice(start, end);
  const prefix = [0];
  for (let i = 0; i < s.length; i++) prefix.push(prefix[i]! + (THAI.test(s[i]!) ? 2 : 1));
  const breaks = wordStarts(s).filter((b) => b > 0);
  breaks.push(s.length);
  const out: [number, number][] = [];
  let from = 0;
  let i = 0;
  while (from < s.length) {
    while (i < breaks.length && breaks[i]! <= from) i++;
    let cut = -1;
    for (let j = i; j < breaks.length && prefix[breaks[j]!]! - prefix[from]! <= limit; j++) cut = breaks[j]!;
    if (cut < 0) {
      cut = from + 1;
      while (cut < s.length && prefix[cut + 1]! - prefix[from]! <= limit) cut++;
      if (cut - from > 1 && /[\uD800-\uDBFF]/.test(s[cut - 1]!)) cut--; // never split a surrogate pair
    }
    const piece = s.slice(from, cut);
    const lead = piece.length - piece.trimStart().length;
    if (piece.trim()) out.push([start + from + lead, start + from + piece.trimEnd().length]);
    from = cut;
  }
  return out;
}

/** Sentence units of a paragraph (Thai: also at spaces between Thai words); over-long ones split by words. */
function unitsOf(text: string, p: number, maxW: number, pieceW: number): Unit[] {
  const units: Unit[] = [];
  const push = (start: number, end: number, sentence: boolean) => {
    const prev = units.at(-1);
    const gap = prev ? weight(text.slice(prev.end, start)) : 0;
    units.push({ p, start, end, w: weight(text.slice(start, end)), gap, sentence });
  };
  const add = (start: number, end: number) => {
    const raw = text.slice(start, end);
    const trimmed = raw.trim();
    if (!trimmed) return;
    const s = start + raw.indexOf(trimmed);
    const e = s + trimmed.length;
    if (weight(trimmed) <= maxW) push(s, e, true);
    else for (const [a, b] of splitWords(text, s, e, pieceW)) push(a, b, false);
  };
  for (const seg of sentenceSegmenter.segment(text)) {
    // Thai has no sentence punctuation: a space between Thai words is where a sentence ends.
    let from = seg.index;
    for (const m of seg.segment.matchAll(/(?<=[\u0E00-\u0E7F]) +(?=[\u0E00-\u0E7F])/g)) {
      add(from, seg.index + m.index);
      from = seg.index + m.index;
    }
    add(from, seg.index + seg.segment.length);
  }
  return units;
}

const joinWeight = (prev: Unit, u: Unit) => (prev.p === u.p ? u.gap : 2); // "\n\n" between paragraphs
const weightOf = (units: Unit[]) =>
  units.reduce((w, u, i) => w + u.w + (i > 0 ? joinWeight(units[i - 1]!, u) : 0), 0);

/**
 * Structure-aware chunking: breaks at headings, then between paragraphs, then sentences, then words
 * (a "word" longer than a chunk is cut hard, so no chunk exceeds maxTokens; records: maxTokens * 2).
 * After a size break the next chunk repeats whole trailing sentences (≤ overlapTokens) that still fit.
 */
export function chunkBlocks(
  blocks: Block[],
  opts: { maxTokens?: number; overlapTokens?: number } = {},
): Chunk[] {
  const maxTokens = Math.max(1, Math.floor(opts.maxTokens ?? 800) || 800);
  const maxW = maxTokens * 4;
  // At most half a chunk, so every chunk brings mostly new text.
  const overlapW =
    Math.min(Math.floor(maxTokens / 2), Math.max(0, Math.floor(opts.overlapTokens ?? 100))) * 4;
  // Pieces of an over-long sentence leave room for the overlap that precedes them.
  const pieceW = Math.max(4, maxW - overlapW);
  const chunks: Chunk[] = [];
  const paragraphs: string[] = [];
  const stack: { level: number; text: string }[] = [];
  let cur: Unit[] = [];
  let curW = 0;
  let pending: { level: number; text: string; path: string[] } | null = null; // heading with no content yet

  const emit = (content: string, headingPath: string[]) =>
    chunks.push({ position: chunks.length, content, headingPath, tokens: estimateTokens(content) });
  const render = (units: Unit[]) => {
    const parts: string[] = [];
    for (let i = 0; i < units.length; ) {
      let j = i;
      while (j + 1 < units.length && units[j + 1]!.p === units[i]!.p) j++;
      parts.push(paragraphs[units[i]!.p]!.slice(units[i]!.start, units[j]!.end));
      i = j + 1;
    }
    return parts.join("\n\n");
  };
  const path = () => stack.map((h) => h.text);
  const flush = () => {
    if (cur.length > 0) emit(render(cur), path());
    cur = [];
    curW = 0;
  };
  /** Ends the current chunk; the next starts with its last sentences (or words, after a cut sentence). */
  const startNew = (next: Unit, nextW: number) => {
    let overlap: Unit[] = [];
    const last = cur.at(-1)!;
    if (overlapW > 0 && !last.sentence) {
      const piece = paragraphs[last.p]!.slice(last.start, last.end);
      let from = -1;
      for (const s of wordStarts(piece).reverse()) {
        if (s === 0 || weight(piece.slice(s)) > overlapW) break;
        from = s;
      }
      if (from > 0) overlap = [{ ...last, start: last.start + from, w: weight(piece.slice(from)) }];
    } else {
      for (let i = cur.length - 1; i >= 0 && cur[i]!.sentence && weightOf(cur.slice(i)) <= overlapW; i--) {
        overlap = cur.slice(i);
      }
    }
    flush();
    while (overlap.length > 0 && weightOf(overlap) + joinWeight(overlap.at(-1)!, next) + nextW > maxW)
      overlap.shift();
    cur = overlap;
    curW = weightOf(overlap);
  };
  const addUnit = (u: Unit) => {
    if (cur.length > 0 && curW + joinWeight(cur.at(-1)!, u) + u.w > maxW) startNew(u, u.w);
    curW += u.w + (cur.length > 0 ? joinWeight(cur.at(-1)!, u) : 0);
    cur.push(u);
  };
  // A heading whose section turned out empty would otherwise vanish: it becomes a chunk of its own.
  const settlePending = (nextLevel: number) => {
    if (pending && nextLevel <= pending.level) emit(pending.text, pending.path);
    pending = null;
  };

  for (const block of blocks) {
    const text = normalise(block.text).trim();
    if (!text) continue;
    if (block.kind === "heading") {
      flush();
      const heading = text.replace(/\s+/g, " ");
      settlePending(block.level);
      while (stack.length > 0 && stack.at(-1)!.level >= block.level) stack.pop();
      pending = { level: block.level, text: heading, path: path() };
      stack.push({ level: block.level, text: heading });
      continue;
    }
    pending = null;
    if (block.kind === "record") {
      flush();
      const limit = maxW * 2;
      emit(weight(text) <= limit ? text : text.slice(...splitWords(text, 0, text.length, limit)[0]!), path());
      continue;
    }
    const p = paragraphs.push(text) - 1;
    const units = unitsOf(text, p, maxW, pieceW);
    const paraW = weight(text);
    // Prefer breaking between paragraphs: a paragraph that fits a chunk of its own is not cut.
    if (cur.length > 0 && paraW <= maxW && curW + 2 + paraW > maxW) startNew(units[0]!, paraW);
    for (const u of units) addUnit(u);
  }
  flush();
  settlePending(Number.NEGATIVE_INFINITY);
  return chunks;
}
