import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api.ts";
import { isInProgress } from "./knowledge-api.ts";
import { byteUnit, checkFile, formatBytes, uploadError } from "./upload.ts";

describe("checkFile", () => {
  it("refuses empty files and files over the server's limit before they are sent", () => {
    expect(checkFile({ size: 0 }, 1000)).toEqual({ code: "EMPTY" });
    expect(checkFile({ size: 1001 }, 1000)).toEqual({ code: "TOO_LARGE", maxBytes: 1000 });
    expect(checkFile({ size: 1000 }, 1000)).toBeNull();
  });
});

describe("sizes", () => {
  it("picks a readable unit and formats it in the interface language", () => {
    expect(byteUnit(20)).toEqual({ value: 0.1, unit: "kilobyte" });
    expect(byteUnit(820)).toEqual({ value: 0.8, unit: "kilobyte" });
    expect(byteUnit(12_400)).toEqual({ value: 12, unit: "kilobyte" });
    expect(byteUnit(10 * 1024 * 1024)).toEqual({ value: 10, unit: "megabyte" });
    expect(formatBytes("en", 3.4 * 1024 * 1024)).toBe("3.4 MB");
    expect(formatBytes("ru", 3.4 * 1024 * 1024)).toMatch(/^3,4\s?МБ$/);
  });
});

describe("uploadError", () => {
  it("keeps the server's code and message, and names a lost connection or a proxy's 413", () => {
    const e = uploadError(
      415,
      JSON.stringify({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "This file is a PNG image" } }),
    );
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.message]).toEqual([
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "This file is a PNG image",
    ]);
    expect(uploadError(0, "").code).toBe("NETWORK");
    expect(uploadError(413, "<html>too big</html>").code).toBe("PAYLOAD_TOO_LARGE");
    expect(uploadError(502, "").code).toBe("INTERNAL");
  });
});

describe("isInProgress", () => {
  it("is true until a source is ready or failed", () => {
    expect(
      ["queued", "processing", "ready", "failed"].map((status) => isInProgress({ status } as never)),
    ).toEqual([true, true, false, false]);
  });
});
