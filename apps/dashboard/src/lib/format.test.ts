import { describe, expect, it } from "vitest";
import { formatMs, formatNumber, formatUsd } from "./format.ts";

describe("formatting in the interface language", () => {
  it("groups numbers as each language does", () => {
    expect(formatNumber("en", 12345)).toBe("12,345");
    expect(formatNumber("ru", 12345)).toBe("12\u00a0345");
    expect(formatNumber("th", 12345)).toBe("12,345");
  });

  it("shows tiny per-answer costs with enough digits, and zero plainly", () => {
    expect(formatUsd("en", 0.000123)).toBe("$0.000123");
    expect(formatUsd("en", 0)).toBe("$0.00");
    expect(formatUsd("en", 1.5)).toBe("$1.50");
    expect(formatUsd("ru", 1.5)).toContain("1,50");
  });

  it("writes durations with a localized unit", () => {
    expect(formatMs("en", 119)).toBe("119 ms");
    expect(formatMs("ru", 119)).toMatch(/^119\s?мс$/);
  });
});
