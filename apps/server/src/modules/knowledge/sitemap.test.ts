import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { IngestError } from "./ingest-error.ts";
import { parseSitemap } from "./sitemap.ts";

const fetched = (text: string | Buffer, contentType = "application/xml") => ({
  bytes: Uint8Array.from(typeof text === "string" ? Buffer.from(text) : text),
  contentType,
  truncated: false,
});

describe("parseSitemap", () => {
  it("reads a urlset's <loc>s, decoding entities and CDATA, with or without a namespace prefix", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sm:url><sm:loc> https://shop.example/a?x=1&amp;y=2 </sm:loc><sm:lastmod>2024-01-01</sm:lastmod></sm:url>
        <sm:url><sm:loc><![CDATA[https://shop.example/b?q=a&b]]></sm:loc></sm:url>
        <sm:url><sm:loc>https://shop.example/caf&#233;</sm:loc></sm:url>
      </sm:urlset>`;
    expect(parseSitemap(fetched(xml))).toEqual({
      kind: "urlset",
      locations: [
        "https://shop.example/a?x=1&y=2",
        "https://shop.example/b?q=a&b",
        "https://shop.example/café",
      ],
    });
  });

  it("tells a sitemap index apart, reads gzip, and keeps the entries before a cut", () => {
    const index = `<sitemapindex><sitemap><loc>https://shop.example/s1.xml</loc></sitemap></sitemapindex>`;
    expect(parseSitemap(fetched(gzipSync(index), "application/gzip"))).toEqual({
      kind: "index",
      locations: ["https://shop.example/s1.xml"],
    });
    const cut = "<urlset><url><loc>https://shop.example/1</loc></url><url><loc>https://shop.exa";
    expect(parseSitemap(fetched(cut))?.locations).toEqual(["https://shop.example/1"]);
  });

  it("an HTML page is not a sitemap; a damaged .gz is a readable failure", () => {
    expect(parseSitemap(fetched("<!doctype html><html><body>Home</body></html>", "text/html"))).toBeNull();
    expect(() => parseSitemap(fetched(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01])))).toThrow(IngestError);
  });
});
