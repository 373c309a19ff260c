import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";

// The server's side of the dashboard, on a small stand-in build (the real one is driven in
// apps/dashboard/test/dashboard.browser.test.ts): index for client routes, cached hashed files,
// JSON 404s for server paths.

let t: TestApp;
let bare: TestApp;
let dist: string;
const BIG = `export const words = ${JSON.stringify("coffee ".repeat(2000))};`;
const INDEX = `<!doctype html><html><head><script type="module" src="/assets/index-AbC123xy.js"></script></head><body><div id="root"></div></body></html>`;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), "minichat-dash-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), INDEX);
  writeFileSync(join(dist, "assets", "index-AbC123xy.js"), "console.log('dashboard')");
  writeFileSync(join(dist, "assets", "index-Zz9_x-1a.css"), "body{color:red}");
  // The build writes compressed copies beside larger files (vite.config.ts precompress()).
  writeFileSync(join(dist, "assets", "big-Q1w2e3r4.js"), BIG);
  writeFileSync(join(dist, "assets", "big-Q1w2e3r4.js.br"), brotliCompressSync(BIG));
  writeFileSync(join(dist, "assets", "big-Q1w2e3r4.js.gz"), gzipSync(BIG));
  writeFileSync(join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  t = await createTestApp({ dashboardDir: dist });
  bare = await createTestApp();
});

afterAll(async () => {
  await t?.close();
  await bare?.close();
  rmSync(dist, { recursive: true, force: true });
});

const get = (app: TestApp, url: string) => app.app.inject({ method: "GET", url });

describe("the built dashboard", () => {
  it("serves index.html at / and for client routes, never cached, with the CSP", async () => {
    for (const url of [
      "/",
      "/sign-in?redirect=%2Fw",
      "/w/ws_0123456789abcdefghjk/agents",
      "/invitations/inv_x",
    ]) {
      const res = await get(t, url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.body).toBe(INDEX);
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-eval");
    }
  });

  it("serves hashed assets for a year, immutable, with the right type", async () => {
    const js = await get(t, "/assets/index-AbC123xy.js");
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(js.body).toBe("console.log('dashboard')");
    const css = await get(t, "/assets/index-Zz9_x-1a.css");
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    const icon = await get(t, "/favicon.svg");
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["content-type"]).toBe("image/svg+xml");
    expect(icon.headers["cache-control"]).toBe("public, max-age=3600");
  });

  it("sends the build's Brotli or gzip copy to browsers that accept it, the raw file otherwise", async () => {
    const asset = "/assets/big-Q1w2e3r4.js";
    const br = await t.app.inject({
      method: "GET",
      url: asset,
      headers: { "accept-encoding": "gzip, deflate, br, zstd" },
    });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toContain("accept-encoding");
    expect(br.rawPayload.length).toBeLessThan(BIG.length / 10);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(BIG);
    const gz = await t.app.inject({ method: "GET", url: asset, headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString()).toBe(BIG);
    const raw = await get(t, asset);
    expect(raw.headers["content-encoding"]).toBeUndefined();
    expect(raw.body).toBe(BIG);
    // A file the build left uncompressed (too small to gain) goes out as it is.
    const small = await t.app.inject({
      method: "GET",
      url: "/assets/index-AbC123xy.js",
      headers: { "accept-encoding": "br" },
    });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.body).toBe("console.log('dashboard')");
  });

  it("answers a missing asset with a 404, not with the page", async () => {
    for (const url of [
      "/assets/index-gone1234.js",
      "/assets/nested/x.js",
      "/assets/%2e%2e%2fsecret",
      "/old.js",
    ]) {
      const res = await get(t, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
    }
  });

  it("keeps JSON 404s on server paths", async () => {
    for (const url of ["/api/v1/nope", "/api", "/healthz/x", "/widget/nope.js", "/email/x", "/socket.io/x"]) {
      const res = await get(t, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.json().error.code).toBe("NOT_FOUND");
    }
    // Real API routes still answer.
    expect((await get(t, "/healthz")).statusCode).toBe(200);
    expect((await get(t, "/api/v1/workspaces")).statusCode).toBe(401);
  });

  it("falls back to a page that says how to build it when there is no build", async () => {
    const res = await get(bare, "/");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("npm run build:dashboard");
    expect((await get(bare, "/w/anything")).statusCode).toBe(404);
  });
});
