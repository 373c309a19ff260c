// A small allow-list markdown reader for answers. It never produces HTML: the result is a tree
// of known node kinds whose text the renderer sets as text, so `<script>`, `<img onerror>` or
// any tag in an answer shows as the characters it is. Links keep only http(s) and mailto URLs.

export type Inline =
  | { t: "text"; v: string }
  | { t: "strong" | "em"; c: Inline[] }
  | { t: "code"; v: string }
  | { t: "link"; href: string; c: Inline[] }
  | { t: "cite"; n: number }
  | { t: "br" };

export type Block = { t: "p"; c: Inline[] } | { t: "pre"; v: string } | { t: "ul" | "ol"; items: Inline[][] };

/** http(s) and mailto only; everything else (javascript:, data:, relative tricks) is dropped. */
export function safeUrl(raw: string): string | null {
  try {
    const u = new URL(raw.trim());
    return u.protocol === "https:" || u.protocol === "http:" || u.protocol === "mailto:" ? u.href : null;
  } catch {
    return null;
  }
}

const INLINE =
  /(\*\*([^*]+)\*\*)|(\*([^*\s][^*]*)\*|_([^_\s][^_]*)_)|(`([^`]+)`)|(\[([^\]]+)\]\(([^)\s]+)\))|(\[(\d{1,2})\])|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      pushText(out, rest);
      break;
    }
    if (m.index > 0) pushText(out, rest.slice(0, m.index));
    if (m[1]) out.push({ t: "strong", c: parseInline(m[2]!) });
    else if (m[3]) out.push({ t: "em", c: parseInline(m[4] ?? m[5]!) });
    else if (m[6]) out.push({ t: "code", v: m[7]! });
    else if (m[8]) {
      const href = safeUrl(m[10]!);
      if (href) out.push({ t: "link", href, c: parseInline(m[9]!) });
      else pushText(out, m[9]!);
    } else if (m[11]) out.push({ t: "cite", n: Number(m[12]) });
    else if (m[13]) {
      const href = safeUrl(m[13]);
      if (href) out.push({ t: "link", href, c: [{ t: "text", v: m[13] }] });
      else pushText(out, m[13]);
    }
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

function pushText(out: Inline[], v: string) {
  const lines = v.split("\n");
  lines.forEach((line, i) => {
    if (i > 0) out.push({ t: "br" });
    if (line) out.push({ t: "text", v: line });
  });
}

export function parseMarkdown(src: string): Block[] {
  const blocks: Block[] = [];
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ t: "p", c: parseInline(para.join("\n")) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("```")) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !lines[i]!.startsWith("```")) code.push(lines[i]!);
      blocks.push({ t: "pre", v: code.join("\n") });
      continue;
    }
    const bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
    const num = /^\s*\d{1,3}[.)]\s+(.*)$/.exec(line);
    if (bullet || num) {
      flush();
      const kind = bullet ? "ul" : "ol";
      const last = blocks.at(-1);
      const item = parseInline((bullet ?? num)![1]!);
      if (last && last.t === kind) last.items.push(item);
      else blocks.push({ t: kind, items: [item] });
      continue;
    }
    if (!line.trim()) flush();
    else para.push(line.replace(/^#{1,6}\s+/, ""));
  }
  flush();
  return blocks;
}
