import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, expectError, type TestApp } from "../../../test/harness.ts";
import { type AgentOwner, ownerWithAgent, searchKnowledgeApi, sourcesUrl } from "../../../test/knowledge.ts";

// Website sources as a workspace owner adds them, read from a real HTTP server on 127.0.0.1
// (which the operator allows with ALLOW_PRIVATE_URLS, as a self-hoster would for an intranet).
// Each case checks what the owner sees: the source's status and reason, and what search finds.

const RATE = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" };
const MAX_PAGE_BYTES = 20_000;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: { ...RATE, ALLOW_PRIVATE_URLS: "127.0.0.1", KNOWLEDGE_MAX_FILE_BYTES: String(MAX_PAGE_BYTES) },
  });
});
afterAll(async () => t?.close());

// ── A small website ─────────────────────────────────────────────────────────────────────────

type Route = string | ((req: IncomingMessage, res: ServerResponse) => void);
type Site = { base: string; port: number; requests: { path: string; userAgent: string }[] };
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Serves `routes` by path (a string is an HTML page); anything else is 404. */
async function site(routes: Record<string, Route>): Promise<Site> {
  const requests: Site["requests"] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push({ path, userAgent: String(req.headers["user-agent"]) });
    const route = routes[path];
    if (typeof route === "function") return route(req, res);
    if (typeof route === "string") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(route);
    }
    res.writeHead(404, { "content-type": "text/html" });
    res.end("<h1>Not here</h1>");
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, port, requests };
}

const page = (title: string, body: string, head = "") =>
  `<!doctype html><html><head>${head}<title>${title}</title></head><body>${body}</body></html>`;
const redirect =
  (to: string, status = 302) =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { location: to });
    res.end();
  };
const send =
  (contentType: string, body: string | Buffer, status = 200) =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { "content-type": contentType });
    res.end(body);
  };
const pathsRequested = (s: Site) => s.requests.map((r) => r.path);

/** Text in a single-byte legacy encoding (windows-1251, tis-620), as old sites still serve it. */
function encodeLegacy(text: string, encoding: string): Buffer {
  const decoder = new TextDecoder(encoding);
  const byteOf = new Map<string, number>();
  for (let b = 255; b >= 0; b--) byteOf.set(decoder.decode(Uint8Array.of(b)), b);
  return Buffer.from(
    [...text].map((ch) => {
      const b = byteOf.get(ch);
      if (b === undefined) throw new Error(`${ch} has no byte in ${encoding}`);
      return b;
    }),
  );
}

// ── The owner's side ────────────────────────────────────────────────────────────────────────

type Owner = AgentOwner;
const newOwner = (app = t.app) => ownerWithAgent(app);

type Source = { id: string; status: string; error: string | null; chunkCount: number; sizeBytes: number };

/** Adds a website and returns the source as GET …/sources/:sid shows it once processed. */
async function addWebsite(o: Owner, body: Record<string, unknown>, app = t.app): Promise<Source> {
  const res = await call(app, o.bearer, "POST", sourcesUrl(o), { type: "url", ...body });
  expect(res.statusCode, res.body).toBe(202);
  const got = await call(app, o.bearer, "GET", sourcesUrl(o, `/${res.json().id}`));
  expect(got.statusCode, got.body).toBe(200);
  return got.json();
}

const search = (o: Owner, query: string, app = t.app) => searchKnowledgeApi(app, o, query);

// ── Reading ─────────────────────────────────────────────────────────────────────────────────

describe("a single page", () => {
  it("becomes ready; its text is found with the page's URL as location; scripts and styles are not indexed", async () => {
    const s = await site({
      "/shop/delivery": page(
        "Delivery — Bean There",
        `<nav><a href="/">Home</a></nav>
         <script>var trackingPixelZebra = "quokkaScriptWord";</script>
         <style>.quokkaStyleWord { color: red }</style>
         <main><h1>Delivery</h1>
           <p>We deliver freshly roasted coffee beans within 5 km of the shop for free.</p>
           <p>Orders placed before noon arrive the same afternoon.</p>
           <noscript>quokkaNoscriptWord</noscript>
         </main>`,
      ),
    });
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/shop/delivery#top`, mode: "page" });
    expect(src).toMatchObject({ status: "ready", error: null });
    expect(src.chunkCount).toBeGreaterThan(0);
    expect(src.sizeBytes).toBeGreaterThan(0);

    const hits = await search(owner, "do you deliver coffee beans?");
    expect(hits[0]).toMatchObject({ sourceId: src.id, location: `${s.base}/shop/delivery` });
    expect(hits[0]!.content).toContain("within 5 km");
    for (const word of ["quokkaScriptWord", "quokkaStyleWord", "quokkaNoscriptWord", "trackingPixelZebra"]) {
      expect(await search(owner, word)).toEqual([]);
    }
    // The site saw who was asking, and was asked for its robots.txt first.
    expect(pathsRequested(s)).toEqual(["/robots.txt", "/shop/delivery"]);
    expect(s.requests.every((r) => r.userAgent.startsWith("MiniChatBot/1.0"))).toBe(true);
  });

  it("plain text pages are read; images, PDFs and JSON are refused with the type named", async () => {
    const s = await site({
      "/hours.txt": send(
        "text/plain; charset=utf-8",
        "Opening hours\n\nWe are open from 8 am to 6 pm, Monday to Saturday.",
      ),
      "/logo.png": send("image/png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
      "/api/menu": send("application/json", '{"menu":"espresso"}'),
    });
    const owner = await newOwner();
    const text = await addWebsite(owner, { url: `${s.base}/hours.txt` });
    expect(text).toMatchObject({ status: "ready", error: null });
    expect((await search(owner, "when are you open on saturday"))[0]?.location).toBe(`${s.base}/hours.txt`);

    const image = await addWebsite(owner, { url: `${s.base}/logo.png` });
    expect(image).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(image.error).toBe("The page is not a web page or plain text (image/png)");
    const json = await addWebsite(owner, { url: `${s.base}/api/menu` });
    expect(json).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(json.error).toContain("application/json");
    expect(await search(owner, "espresso")).toEqual([]);
  });

  it("a page that draws itself with JavaScript fails with a reason that says so", async () => {
    const s = await site({
      "/app": page("Bean There", '<div id="root"></div><script src="/bundle.js"></script>'),
    });
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/app` });
    expect(src).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(src.error).toBe(
      "The page has no readable text (it may build its content with JavaScript, which is not run)",
    );
  });

  it("Russian in windows-1251 (header charset) and Thai in TIS-620 (meta charset) are found by search", async () => {
    const ru = "Доставка кофе. Мы бесплатно доставляем свежеобжаренный кофе в пределах пяти километров.";
    const th = "การจัดส่ง เราจัดส่งเมล็ดกาแฟฟรีในระยะห้ากิโลเมตร ค่าส่งสำหรับระยะไกลกว่านั้นคือห้าสิบบาท";
    const s = await site({
      "/ru": send(
        "text/html; charset=windows-1251",
        encodeLegacy(page("Доставка", `<h1>Доставка</h1><p>${ru}</p>`), "windows-1251"),
      ),
      "/th": send(
        "text/html",
        encodeLegacy(page("จัดส่ง", `<h1>จัดส่ง</h1><p>${th}</p>`, '<meta charset="tis-620">'), "tis-620"),
      ),
    });
    const owner = await newOwner();
    expect(await addWebsite(owner, { url: `${s.base}/ru` })).toMatchObject({ status: "ready" });
    expect(await addWebsite(owner, { url: `${s.base}/th` })).toMatchObject({ status: "ready" });
    const ruHit = (await search(owner, "есть ли доставка кофе?"))[0];
    expect(ruHit?.location).toBe(`${s.base}/ru`);
    expect(ruHit?.content).toContain("пяти километров");
    const thHit = (await search(owner, "ค่าส่งเท่าไหร่"))[0];
    expect(thHit?.location).toBe(`${s.base}/th`);
    expect(thHit?.content).toContain("ห้าสิบบาท");
  });

  it("a page longer than the size limit is read up to the limit", async () => {
    const filler = "<p>Our roastery story continues with another ordinary paragraph of text.</p>".repeat(400);
    const s = await site({
      "/long": page(
        "Long",
        `<p>Every cup uses zebrafish-grade arabica.</p>${filler}<p>The final narwhal note.</p>`,
      ),
    });
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/long` });
    expect(src).toMatchObject({ status: "ready", error: null });
    expect(src.sizeBytes).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    expect((await search(owner, "zebrafish arabica"))[0]?.location).toBe(`${s.base}/long`);
    expect(await search(owner, "narwhal")).toEqual([]);
  });
});

describe("a page that cannot be read fails with a reason a person understands", () => {
  it("404, a redirect loop, a redirect chain too long", async () => {
    const chain: Record<string, Route> = {};
    for (let i = 0; i < 8; i++) chain[`/hop${i}`] = redirect(`/hop${i + 1}`);
    const s = await site({
      "/loop-a": redirect("/loop-b", 301),
      "/loop-b": redirect("/loop-a", 301),
      ...chain,
      "/hop8": page("End", "<p>The end of the chain.</p>"),
    });
    const owner = await newOwner();
    const missing = await addWebsite(owner, { url: `${s.base}/gone` });
    expect(missing).toMatchObject({
      status: "failed",
      error: "The page answered 404 Not Found",
      chunkCount: 0,
    });
    const loop = await addWebsite(owner, { url: `${s.base}/loop-a` });
    expect(loop).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(loop.error).toBe(`The page redirects in a loop (${s.base}/loop-a)`);
    const long = await addWebsite(owner, { url: `${s.base}/hop0` });
    expect(long).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(long.error).toBe("Too many redirects: the page redirects more than 5 times");
    expect(pathsRequested(s)).not.toContain("/hop7");
    expect(await search(owner, "end of the chain")).toEqual([]);
  });

  it("a redirect into a private address is refused, and the private page is never requested", async () => {
    let port = 0;
    const s = await site({
      // localhost is this very server, but it is not in ALLOW_PRIVATE_URLS (only 127.0.0.1 is).
      "/go": (req, res) => redirect(`http://localhost:${port}/admin`)(req, res),
      "/admin": page("Admin", "<p>Internal secret payroll figures.</p>"),
      "/meta": redirect("http://169.254.169.254/latest/meta-data/"),
    });
    port = s.port;
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/go` });
    expect(src).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(src.error).toBe(
      "This URL points to a private or internal address (localhost), which is not allowed",
    );
    const meta = await addWebsite(owner, { url: `${s.base}/meta` });
    expect(meta).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(meta.error).toContain("private or internal address (169.254.169.254)");
    expect(pathsRequested(s)).not.toContain("/admin");
    expect(await search(owner, "payroll")).toEqual([]);
  });

  it("a site that never answers fails once the fetch timeout passes", async () => {
    const quick = await createTestApp({
      env: { ...RATE, ALLOW_PRIVATE_URLS: "127.0.0.1", KNOWLEDGE_FETCH_TIMEOUT_SECONDS: "0.3" },
    });
    try {
      const s = await site({ "/robots.txt": "", "/": () => {} });
      const hanging = await site({ "/": () => {}, "/robots.txt": () => {} });
      const owner = await newOwner(quick.app);
      const src = await addWebsite(owner, { url: `${s.base}/` }, quick.app);
      expect(src).toMatchObject({ status: "failed", chunkCount: 0 });
      expect(src.error).toBe("The site did not answer within 0.3 seconds");
      // When even robots.txt hangs, the reason is the same, not a robots.txt riddle.
      const both = await addWebsite(owner, { url: `${hanging.base}/`, mode: "crawl" }, quick.app);
      expect(both).toMatchObject({ status: "failed", error: "The site did not answer within 0.3 seconds" });
    } finally {
      await quick.close();
    }
  });
});

describe("robots.txt", () => {
  it("a crawl skips what robots.txt disallows (longest rule wins) and reads what it allows", async () => {
    const s = await site({
      "/robots.txt": send(
        "text/plain",
        "User-agent: SomeOtherBot\nDisallow: /\n\nUser-agent: *\nDisallow: /private\nAllow: /private/faq\n",
      ),
      "/": page(
        "Home",
        '<p>Welcome to the shop.</p><a href="/private/payroll">Payroll</a> <a href="/private/faq">FAQ</a>',
      ),
      "/private/payroll": page("Payroll", "<p>Salaries of the baristas: confidential walrus.</p>"),
      "/private/faq": page("FAQ", "<p>Yes, we roast our beans ourselves, every Tuesday.</p>"),
    });
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/`, mode: "crawl" });
    expect(src).toMatchObject({ status: "ready", error: null });
    expect(pathsRequested(s)).not.toContain("/private/payroll");
    expect(await search(owner, "walrus salaries")).toEqual([]);
    expect((await search(owner, "do you roast the beans yourselves?"))[0]?.location).toBe(
      `${s.base}/private/faq`,
    );

    const page1 = await addWebsite(owner, { url: `${s.base}/private/payroll` });
    expect(page1).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(page1.error).toBe("The site's robots.txt does not allow reading /private/payroll");
  });

  it("rules for our user agent apply instead of the * group", async () => {
    const s = await site({
      "/robots.txt": send(
        "text/plain",
        "User-agent: *\nDisallow: /\n\nUser-agent: minichatbot\nDisallow: /drafts\n",
      ),
      "/menu": page("Menu", "<p>Flat white, cortado and cold brew.</p>"),
      "/drafts/x": page("Draft", "<p>Unreleased draft.</p>"),
    });
    const owner = await newOwner();
    expect(await addWebsite(owner, { url: `${s.base}/menu` })).toMatchObject({ status: "ready" });
    const draft = await addWebsite(owner, { url: `${s.base}/drafts/x` });
    expect(draft).toMatchObject({
      status: "failed",
      error: "The site's robots.txt does not allow reading /drafts/x",
    });
  });

  it("a robots.txt the server fails to give means nothing is read (RFC 9309)", async () => {
    const s = await site({
      "/robots.txt": send("text/plain", "oops", 503),
      "/menu": page("Menu", "<p>Flat white, cortado and cold brew.</p>"),
    });
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/menu` });
    expect(src).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(src.error).toMatch(/^The site's robots.txt answered 503 Service Unavailable/);
    expect(pathsRequested(s)).toEqual(["/robots.txt"]);
  });
});

describe("a crawl", () => {
  it("reads same-site pages breadth-first up to maxPages, once each, skipping files and other sites", async () => {
    const links = Array.from({ length: 6 }, (_, i) => `<a href="/p${i}">Page ${i}</a>`).join(" ");
    const routes: Record<string, Route> = {
      "/": page(
        "Home",
        `<p>Welcome to the crawled coffee shop.</p>${links}
         <a href="/p0#reviews">again</a> <a href="/p0?utm_source=newsletter">tracked</a>
         <a href="/menu.pdf">Menu (PDF)</a> <a href="/photo.jpg">Photo</a>
         <a href="http://localhost:1/elsewhere">Elsewhere</a> <a href="mailto:hi@example.com">Mail</a>`,
      ),
    };
    for (let i = 0; i < 6; i++) {
      routes[`/p${i}`] = page(
        `Page ${i}`,
        `<p>Topic number ${i}: ${["espresso", "latte", "mocha", "ristretto", "macchiato", "affogato"][i]} guide.</p><a href="/">Home</a>`,
      );
    }
    const s = await site(routes);
    const owner = await newOwner();
    const progress: string[] = [];
    const off = t.app.ctx.events.on("knowledge.source_progress", (e) =>
      progress.push(`${e.sourceId} ${e.pagesRead}/${e.maxPages}`),
    );
    const src = await addWebsite(owner, { url: `${s.base}/`, mode: "crawl", maxPages: 3 });
    off();
    expect(src).toMatchObject({ status: "ready", error: null });
    // Each page read is reported as it lands, for a progress bar.
    expect(progress).toEqual([`${src.id} 1/3`, `${src.id} 2/3`, `${src.id} 3/3`]);
    expect(pathsRequested(s).sort()).toEqual(["/", "/p0", "/p1", "/robots.txt"]);
    expect((await search(owner, "espresso guide"))[0]?.location).toBe(`${s.base}/p0`);
    expect((await search(owner, "latte guide"))[0]?.location).toBe(`${s.base}/p1`);
    expect(await search(owner, "mocha")).toEqual([]);

    // Without a page limit in the request, the whole (small) site is read, each page once.
    const owner2 = await newOwner();
    expect(await addWebsite(owner2, { url: `${s.base}/`, mode: "crawl" })).toMatchObject({ status: "ready" });
    expect((await search(owner2, "affogato"))[0]?.location).toBe(`${s.base}/p5`);
    const second = pathsRequested(s).slice(4);
    expect(second.filter((p) => p === "/p0")).toHaveLength(1);
    expect(second).not.toContain("/menu.pdf");
  });

  it("pages that fail are skipped; the source is ready with the others", async () => {
    const s = await site({
      "/": page(
        "Home",
        '<p>Home of the good coffee.</p><a href="/broken">Broken</a> <a href="/cakes">Cakes</a>',
      ),
      "/broken": send("text/html", "<h1>Server error</h1>", 500),
      "/cakes": page("Cakes", "<p>Cheesecake and carrot cake are baked daily.</p>"),
    });
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/`, mode: "crawl" });
    expect(src).toMatchObject({ status: "ready", error: null });
    expect((await search(owner, "carrot cake"))[0]?.location).toBe(`${s.base}/cakes`);
  });

  it("a crawl whose start page is missing fails with that page's reason", async () => {
    const s = await site({});
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/nothing`, mode: "crawl" });
    expect(src).toMatchObject({ status: "failed", error: "The page answered 404 Not Found", chunkCount: 0 });
  });
});

describe("a sitemap", () => {
  it("found through robots.txt from the site's address: a sitemap index, a gzipped sitemap, same-site pages only", async () => {
    const urlset = (locs: string[]) =>
      `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs
        .map((l) => `<url><loc>${l}</loc></url>`)
        .join("")}</urlset>`;
    let base = "";
    const s = await site({
      "/robots.txt": (req, res) =>
        send("text/plain", `User-agent: *\nAllow: /\nSitemap: ${base}/sitemap_index.xml\n`)(req, res),
      "/": page("Home", "<p>Home page, not listed in the sitemap.</p>"),
      "/sitemap_index.xml": (req, res) =>
        send(
          "application/xml",
          `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
             <sitemap><loc>${base}/sitemap-pages.xml.gz</loc></sitemap>
             <sitemap><loc>${base}/sitemap-more.xml</loc></sitemap>
           </sitemapindex>`,
        )(req, res),
      "/sitemap-pages.xml.gz": (req, res) =>
        send(
          "application/gzip",
          gzipSync(
            urlset([
              `${base}/beans?kind=arabica&amp;roast=dark`,
              `${base}/gone`,
              "http://localhost:1/elsewhere",
            ]),
          ),
        )(req, res),
      "/sitemap-more.xml": (req, res) => send("text/xml", urlset([`${base}/tea`]))(req, res),
      "/beans?kind=arabica&roast=dark": page("Beans", "<p>Dark roast arabica beans from Ethiopia.</p>"),
      "/tea": page("Tea", "<p>Jasmine green tea and oolong by the gram.</p>"),
    });
    base = s.base;
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/`, mode: "sitemap" });
    expect(src).toMatchObject({ status: "ready", error: null });
    expect((await search(owner, "arabica beans from ethiopia"))[0]?.location).toBe(
      `${s.base}/beans?kind=arabica&roast=dark`,
    );
    expect((await search(owner, "jasmine tea"))[0]?.location).toBe(`${s.base}/tea`);
    expect(await search(owner, "home page")).toEqual([]);
  });

  it("maxPages bounds the pages read; a site without a sitemap fails with the reason", async () => {
    const locs = Array.from({ length: 5 }, (_, i) => `<url><loc>BASE/n${i}</loc></url>`).join("");
    const routes: Record<string, Route> = {};
    for (let i = 0; i < 5; i++)
      routes[`/n${i}`] = page(
        `N${i}`,
        `<p>Note ${i} about ${["cups", "lids", "straws", "sleeves", "trays"][i]}.</p>`,
      );
    let base = "";
    routes["/sitemap.xml"] = (req, res) =>
      send("application/xml", `<urlset>${locs.replaceAll("BASE", base)}</urlset>`)(req, res);
    const s = await site(routes);
    base = s.base;
    const owner = await newOwner();
    const src = await addWebsite(owner, { url: `${s.base}/sitemap.xml`, mode: "sitemap", maxPages: 2 });
    expect(src).toMatchObject({ status: "ready", error: null });
    expect(
      pathsRequested(s)
        .filter((p) => p.startsWith("/n"))
        .sort(),
    ).toEqual(["/n0", "/n1"]);
    expect((await search(owner, "lids"))[0]?.location).toBe(`${s.base}/n1`);
    expect(await search(owner, "straws")).toEqual([]);

    const empty = await site({ "/": page("Home", "<p>No sitemap here.</p>") });
    const none = await addWebsite(owner, { url: `${empty.base}/`, mode: "sitemap" });
    expect(none).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(none.error).toBe(
      `No sitemap could be read (${empty.base}/sitemap.xml: The sitemap answered 404 Not Found)`,
    );
  });
});

describe("adding a website", () => {
  it("a private address is refused at once with 400 URL_NOT_ALLOWED when the operator has not allowed it", async () => {
    const strict = await createTestApp({ env: RATE });
    try {
      const s = await site({ "/": page("Intranet", "<p>Internal wiki.</p>") });
      const owner = await newOwner(strict.app);
      for (const url of [
        `${s.base}/`,
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/",
      ]) {
        const res = await call(strict.app, owner.bearer, "POST", sourcesUrl(owner), { type: "url", url });
        expect(expectError(res, 400, "URL_NOT_ALLOWED").message).toMatch(/private or internal/);
      }
      expect(s.requests).toEqual([]);
      const list = await call(strict.app, owner.bearer, "GET", sourcesUrl(owner));
      expect(list.json().sources).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it("another workspace can neither add a website to the agent nor see or search it", async () => {
    const s = await site({ "/": page("Home", "<p>Secret blend recipe: cardamom.</p>") });
    const a = await newOwner();
    const src = await addWebsite(a, { url: `${s.base}/` });
    expect(src.status).toBe("ready");
    const b = await newOwner();
    const foreign = { ...b, wsId: a.wsId, agentId: a.agentId };
    expectError(
      await call(t.app, b.bearer, "POST", sourcesUrl(foreign), { type: "url", url: `${s.base}/other` }),
      404,
      "NOT_FOUND",
    );
    expectError(await call(t.app, b.bearer, "GET", sourcesUrl(foreign, `/${src.id}`)), 404, "NOT_FOUND");
    expectError(
      await call(
        t.app,
        b.bearer,
        "POST",
        `/api/v1/workspaces/${a.wsId}/agents/${a.agentId}/knowledge/search`,
        {
          query: "cardamom",
        },
      ),
      404,
      "NOT_FOUND",
    );
    expect(await search(b, "cardamom")).toEqual([]);
    expect(pathsRequested(s)).not.toContain("/other");
  });
});
