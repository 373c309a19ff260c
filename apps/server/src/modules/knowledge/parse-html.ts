import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import type { Block } from "./chunk-text.ts";

export type HtmlDocument = {
  title: string | null;
  blocks: Block[];
  /** Absolute http(s) links found in the page (before boilerplate was removed), for crawling. */
  links: string[];
};

const HEADING = /^H([1-6])$/;
const LEVEL = "data-minichat-level";
const SKIP = new Set([
  "SCRIPT",
  "STYLE",
  "NOSCRIPT",
  "TEMPLATE",
  "SVG",
  "IFRAME",
  "OBJECT",
  "FORM",
  "BUTTON",
  // Head elements, when a page without <body> had them moved into one (see parseDocument).
  "HEAD",
  "TITLE",
  "META",
  "LINK",
  "BASE",
]);
const BLOCK_TEXT = new Set(["P", "LI", "PRE", "BLOCKQUOTE", "DT", "DD", "FIGCAPTION", "CAPTION", "ADDRESS"]);

type Node = {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<Node>;
  querySelectorAll?: (s: string) => ArrayLike<Node>;
  getAttribute?: (name: string) => string | null;
};

/**
 * An HTML page → its readable text as blocks (headings kept, scripts and navigation dropped).
 * Readability picks the main content when it can find one; otherwise the whole body is read.
 * `wholeDocument` skips that choice for HTML that is all content (a converted Word document).
 */
export function htmlToDocument(
  html: string,
  url: string | null,
  opts: { wholeDocument?: boolean } = {},
): HtmlDocument {
  const document = parseDocument(html);
  const links = collectLinks(document, url);
  const rawTitle = document.querySelector("title")?.textContent?.trim() || null;
  // Readability renames every H1 to H2, which would make an H2 below it a sibling instead of a
  // subsection: each heading's own level is written down first (attributes survive the rename).
  const headings = document.querySelectorAll("h1, h2, h3, h4, h5, h6") as ArrayLike<{
    nodeName: string;
    setAttribute(name: string, value: string): void;
  }>;
  for (const h of Array.from(headings)) {
    h.setAttribute(LEVEL, h.nodeName.slice(1));
  }
  let root: Node | null = null;
  let title = rawTitle;
  try {
    // Readability mutates the document it reads; the links were collected first.
    const article = opts.wholeDocument
      ? null
      : new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], {
          charThreshold: 200,
        }).parse();
    if (article?.content) {
      root = parseHTML(`<html><body>${article.content}</body></html>`).document.body as unknown as Node;
      title = article.title?.trim() || rawTitle;
    }
  } catch {
    root = null;
  }
  root ??= parseDocument(html).body as unknown as Node | null;
  const blocks: Block[] = [];
  if (root) walk(withLineBreaks(root), blocks);
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i]!;
    if (b.kind === "paragraph" && b.text === "") blocks.splice(i, 1); // the boundary markers
  }
  // Readability drops an H1 that repeats the page's title; text before the first heading then
  // sits under the title, so its passages still say which page they are ("Delivery").
  if (title && blocks[0] && blocks[0].kind !== "heading")
    blocks.unshift({ kind: "heading", level: 1, text: title });
  return { title, blocks, links };
}

/**
 * linkedom builds a usable document only from a whole page with a <body> tag; it gives an empty
 * body for "", a fragment, or a page that leaves <body> out (valid HTML, and common). Those are
 * put in a complete shell first, as a browser would.
 */
function parseDocument(html: string) {
  try {
    const { document } = parseHTML(html);
    if (document.documentElement?.nodeName === "HTML" && document.querySelector("body")) return document;
  } catch {
    // fall through to the shell
  }
  const inner = html.replace(/<!doctype[^>]*>|<\/?(?:html|body)(?:\s[^>]*)?>/gi, "");
  return parseHTML(`<!doctype html><html><head></head><body>${inner}</body></html>`).document;
}

/** <br> has no text of its own: without this, "line one<br>line two" would read "line oneline two". */
function withLineBreaks(root: Node): Node {
  const el = root as unknown as {
    querySelectorAll(s: string): ArrayLike<{ replaceWith(n: unknown): void }>;
    ownerDocument: { createTextNode(t: string): unknown };
  };
  for (const br of Array.from(el.querySelectorAll("br")))
    br.replaceWith(el.ownerDocument.createTextNode("\n"));
  return root;
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

function walk(node: Node, out: Block[]): void {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === 3) {
      // Loose text directly in a container (a <div> with no <p>): a paragraph of its own.
      const text = squash(child.textContent ?? "");
      if (text) appendLoose(out, text);
      continue;
    }
    if (child.nodeType !== 1 || SKIP.has(child.nodeName)) continue;
    const heading = HEADING.exec(child.nodeName);
    if (heading) {
      const text = squash(child.textContent ?? "");
      const level = Number(child.getAttribute?.(LEVEL)) || Number(heading[1]);
      if (text) out.push({ kind: "heading", level, text });
    } else if (child.nodeName === "TR") {
      const cells = Array.from(child.childNodes)
        .filter((c) => c.nodeName === "TD" || c.nodeName === "TH")
        .map((c) => squash(c.textContent ?? ""));
      if (cells.some(Boolean)) out.push({ kind: "paragraph", text: cells.join(" | ") });
    } else if (BLOCK_TEXT.has(child.nodeName) && !hasBlockChildren(child)) {
      const text =
        child.nodeName === "PRE" ? (child.textContent ?? "").trim() : squash(child.textContent ?? "");
      if (text) out.push({ kind: "paragraph", text: child.nodeName === "LI" ? `- ${text}` : text });
    } else if (INLINE.has(child.nodeName)) {
      const text = squash(child.textContent ?? "");
      if (text) appendLoose(out, text);
    } else {
      // A block boundary on each side: loose text before, inside and after does not run together.
      out.push({ kind: "paragraph", text: "" });
      walk(child, out);
      out.push({ kind: "paragraph", text: "" });
    }
  }
}

const INLINE = new Set([
  "A",
  "SPAN",
  "STRONG",
  "B",
  "EM",
  "I",
  "U",
  "CODE",
  "SMALL",
  "MARK",
  "ABBR",
  "TIME",
  "SUB",
  "SUP",
  "LABEL",
  "Q",
  "CITE",
  "BR",
]);

function appendLoose(out: Block[], text: string): void {
  const last = out.at(-1);
  if (last?.kind === "paragraph" && last.text !== "") last.text = `${last.text} ${text}`;
  else if (last?.kind === "paragraph") last.text = text;
  else out.push({ kind: "paragraph", text });
}

function hasBlockChildren(node: Node): boolean {
  return Array.from(node.childNodes).some(
    (c) =>
      c.nodeType === 1 &&
      (BLOCK_TEXT.has(c.nodeName) ||
        HEADING.test(c.nodeName) ||
        c.nodeName === "UL" ||
        c.nodeName === "OL" ||
        c.nodeName === "TABLE" ||
        c.nodeName === "DIV"),
  );
}

function collectLinks(
  document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> },
  base: string | null,
): string[] {
  if (!base) return [];
  // A <base href> changes what every relative link points to.
  const declared = document.querySelectorAll("base[href]")[0]?.getAttribute("href");
  if (declared) {
    try {
      base = new URL(declared, base).href;
    } catch {
      // an unparseable <base> is ignored, as browsers do
    }
  }
  const seen = new Set<string>();
  for (const a of Array.from(document.querySelectorAll("a[href]"))) {
    const href = a.getAttribute("href");
    if (!href) continue;
    try {
      const u = new URL(href, base);
      if (u.protocol !== "http:" && u.protocol !== "https:") continue;
      u.hash = "";
      seen.add(u.href);
    } catch {
      // an unparseable href is not a link to follow
    }
  }
  return [...seen];
}
