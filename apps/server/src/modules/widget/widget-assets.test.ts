import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";

// The built widget as host pages fetch it (`npm test` builds it first): compressed when the
// browser accepts it, loadable from any origin.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("widget files", () => {
  it("go out Brotli or gzip compressed, byte for byte the built file, for any origin", async () => {
    const raw = await t.app.inject({ method: "GET", url: "/widget.js" });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers["content-encoding"]).toBeUndefined();
    expect(raw.headers["cross-origin-resource-policy"]).toBe("cross-origin");
    const br = await t.app.inject({
      method: "GET",
      url: "/widget.js",
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toContain("accept-encoding");
    expect(br.rawPayload.length).toBeLessThan(raw.rawPayload.length);
    expect(brotliDecompressSync(br.rawPayload).equals(raw.rawPayload)).toBe(true);
    const gz = await t.app.inject({
      method: "GET",
      url: "/widget.js",
      headers: { "accept-encoding": "gzip" },
    });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).equals(raw.rawPayload)).toBe(true);

    // The panel the loader imports, by its hashed name.
    const panel = raw.body.match(/widget\/(panel[\w.-]*\.js)/)?.[1];
    expect(panel).toBeTruthy();
    const res = await t.app.inject({
      method: "GET",
      url: `/widget/${panel}`,
      headers: { "accept-encoding": "br" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });
});
