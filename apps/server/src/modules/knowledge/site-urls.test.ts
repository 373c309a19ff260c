import { describe, expect, it } from "vitest";
import { cleanUrl, mayBePage, pageKey, siteKey } from "./site-urls.ts";

// What a crawl treats as one site and one page.

describe("site URLs", () => {
  const u = (s: string) => new URL(s);
  it("one site across http/https and www; ports count", () => {
    expect(siteKey(u("http://www.shop.example/a"))).toBe(siteKey(u("https://shop.example/b")));
    expect(siteKey(u("https://shop.example:8443/"))).not.toBe(siteKey(u("https://shop.example/")));
    expect(siteKey(u("https://blog.shop.example/"))).not.toBe(siteKey(u("https://shop.example/")));
  });

  it("one page key regardless of fragment, tracking parameters or scheme; other parameters matter", () => {
    const key = pageKey(u("https://shop.example/menu?lang=en"));
    expect(pageKey(u("http://www.shop.example/menu?utm_source=mail&lang=en&fbclid=x#top"))).toBe(key);
    expect(pageKey(u("https://shop.example/menu?lang=th"))).not.toBe(key);
    expect(cleanUrl(u("https://shop.example/menu?utm_medium=x&lang=en#top")).href).toBe(
      "https://shop.example/menu?lang=en",
    );
  });

  it("links to files are not crawled; pages with or without an extension are", () => {
    for (const page of [
      "https://s.example/",
      "https://s.example/about",
      "https://s.example/a.html",
      "https://s.example/x.php?id=1",
      "https://s.example/v1.2/",
    ]) {
      expect(mayBePage(u(page)), page).toBe(true);
    }
    for (const file of [
      "https://s.example/menu.PDF",
      "https://s.example/i/logo.png",
      "https://s.example/app.js?v=3",
      "https://s.example/feed.xml",
    ]) {
      expect(mayBePage(u(file)), file).toBe(false);
    }
  });
});
