import { describe, expect, it } from "vitest";
import type { Block } from "./chunk-text.ts";
import { htmlToDocument } from "./parse-html.ts";

// What a visitor reads on a page is what gets indexed: text with its headings, without scripts,
// styles or the site's navigation; and the links a crawl can follow.

const ARTICLE = `
  <p>Our roastery opened in 2015 in a small garage behind the market. Since then we have been
  roasting single-origin beans in small batches, twice a week, and delivering them by bicycle.</p>
  <p>Every bag carries the roast date, the farm and the altitude, so you know exactly what you
  are brewing. We never sell beans older than three weeks from roasting.</p>`;

const text = (blocks: Block[]) => blocks.map((b) => b.text).join("\n");

describe("htmlToDocument: text", () => {
  it("keeps headings (with their levels), paragraphs and list items; drops scripts, styles and comments", () => {
    const doc = htmlToDocument(
      `<html><head><title>About — Bean There</title><style>p { color: red }</style></head><body>
        <nav><a href="/">Home</a> <a href="/shop">Shop</a> <a href="/about">About</a></nav>
        <article>
          <h1>About us</h1>
          ${ARTICLE}
          <script>window.secretTracker = "scriptword";</script>
          <!-- commentword -->
          <h2>Opening hours</h2>
          <ul><li>Monday to Friday: 8 am – 6 pm</li><li>Saturday: 9 am – 2 pm</li></ul>
          <noscript>noscriptword</noscript>
          <template><p>templateword</p></template>
        </article>
        <footer>© 2024 Bean There · Privacy · Terms</footer>
      </body></html>`,
      "https://beans.example/about",
    );
    expect(doc.title).toBe("About — Bean There");
    const headings = doc.blocks.filter((b) => b.kind === "heading");
    expect(headings.map((h) => [h.text, (h as { level: number }).level])).toEqual([
      ["About us", 1],
      ["Opening hours", 2],
    ]);
    expect(doc.blocks).toContainEqual({ kind: "paragraph", text: "- Saturday: 9 am – 2 pm" });
    const all = text(doc.blocks);
    expect(all).toContain("roasting single-origin beans in small batches, twice a week");
    for (const hidden of [
      "scriptword",
      "secretTracker",
      "color: red",
      "commentword",
      "noscriptword",
      "templateword",
    ]) {
      expect(all).not.toContain(hidden);
    }
  });

  it("drops the site's navigation and footer when the page has a main article", () => {
    const doc = htmlToDocument(
      `<html><body>
        <header><nav><ul><li><a href="/">Home</a></li><li><a href="/menu">Menu and prices</a></li></ul></nav></header>
        <main><article><h1>Our story</h1>${ARTICLE}</article></main>
        <footer><p>Subscribe to our newsletter footerword</p></footer>
      </body></html>`,
      "https://beans.example/story",
    );
    const all = text(doc.blocks);
    expect(all).toContain("We never sell beans older than three weeks");
    expect(all).not.toContain("footerword");
    expect(all).not.toContain("Menu and prices");
  });

  it("a short page without an article is read whole; the title stands in for a missing heading", () => {
    const doc = htmlToDocument(
      `<html><head><title>Contact</title></head><body><div>Call us at +1 555 0100.<br>Or just drop by.</div></body></html>`,
      null,
    );
    expect(doc.blocks[0]).toEqual({ kind: "heading", level: 1, text: "Contact" });
    expect(text(doc.blocks)).toContain("Call us at +1 555 0100. Or just drop by.");
  });

  it("table rows become one line each, cells separated; entities are decoded and spaces squashed", () => {
    const doc = htmlToDocument(
      `<html><body><h1>Prices</h1><table>
        <tr><th>Drink</th><th>Price</th></tr>
        <tr><td>Flat&nbsp;white</td><td>3.50 &euro;</td></tr>
        <tr><td>Tea &amp; cake</td><td>
            5 &euro;</td></tr>
      </table></body></html>`,
      null,
    );
    const rows = doc.blocks.filter((b) => b.kind === "paragraph").map((b) => b.text);
    expect(rows).toEqual(["Drink | Price", "Flat white | 3.50 €", "Tea & cake | 5 €"]);
  });

  it("loose text and inline elements around blocks do not run together", () => {
    const doc = htmlToDocument(
      `<html><body><div>Intro <b>bold</b> words<p>A paragraph.</p>tail text</div></body></html>`,
      null,
    );
    expect(doc.blocks.map((b) => b.text)).toEqual(["Intro bold words", "A paragraph.", "tail text"]);
  });

  it("a page that leaves out <body> (valid HTML), or a bare fragment, is read; head elements are not text", () => {
    const noBody = htmlToDocument(
      `<!doctype html><html><head><title>Menu</title><meta name="description" content="metaword"><style>b{}</style></head>
       <h1>Menu</h1><p>Espresso 2 €</p><p>Line one<br>line two</p></html>`,
      null,
    );
    expect(noBody.title).toBe("Menu");
    expect(noBody.blocks).toEqual([
      { kind: "heading", level: 1, text: "Menu" },
      { kind: "paragraph", text: "Espresso 2 €" },
      { kind: "paragraph", text: "Line one line two" },
    ]);
    const fragment = htmlToDocument("<title>Hours</title><p>Open <b>daily</b> from 8 am.</p>", null);
    expect(fragment.blocks).toEqual([
      { kind: "heading", level: 1, text: "Hours" },
      { kind: "paragraph", text: "Open daily from 8 am." },
    ]);
  });

  it("an empty or script-only page has no blocks", () => {
    expect(htmlToDocument("", null).blocks).toEqual([]);
    expect(htmlToDocument("<html><body><script>var a = 1;</script></body></html>", null).blocks).toEqual([]);
  });
});

describe("htmlToDocument: links", () => {
  const html = `<html><body>
    <nav><a href="/menu">Menu</a></nav>
    <article><h1>Hello</h1>${ARTICLE}
      <a href="team.html#anna">Anna</a>
      <a href="https://other.example/page">Partner</a>
      <a href="/menu#top">Menu again</a>
      <a href="mailto:hi@beans.example">Mail</a> <a href="javascript:void(0)">JS</a> <a href="tel:+15550100">Call</a>
      <a href="http://[broken">Broken</a> <a>No href</a>
    </article></body></html>`;

  it("are absolute, without fragments, deduplicated, http(s) only, and include navigation links", () => {
    const doc = htmlToDocument(html, "https://beans.example/about/index.html");
    expect(doc.links.sort()).toEqual([
      "https://beans.example/about/team.html",
      "https://beans.example/menu",
      "https://other.example/page",
    ]);
  });

  it("are resolved against the page's <base href> when it has one", () => {
    const doc = htmlToDocument(
      html.replace("<html>", '<html><head><base href="https://beans.example/en/"></head>'),
      "https://beans.example/about/index.html",
    );
    expect(doc.links).toContain("https://beans.example/en/team.html");
    expect(doc.links).toContain("https://beans.example/menu");
  });

  it("are not collected without the page's address", () => {
    expect(htmlToDocument(html, null).links).toEqual([]);
  });
});
