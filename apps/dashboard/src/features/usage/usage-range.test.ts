import { describe, expect, it } from "vitest";
import { everyDay, rangeOf, shareOfMax } from "./usage-range.ts";

const now = new Date("2026-03-05T23:30:00Z");

describe("usage ranges", () => {
  it("ends today (UTC) and counts the days inclusively", () => {
    expect(rangeOf("7d", now)).toEqual({ from: "2026-02-27", to: "2026-03-05" });
    expect(rangeOf("30d", now)).toEqual({ from: "2026-02-04", to: "2026-03-05" });
    expect(rangeOf("90d", now)).toEqual({ from: "2025-12-06", to: "2026-03-05" });
    expect(rangeOf("month", now)).toEqual({ from: "2026-03-01", to: "2026-03-05" });
  });

  it("fills the days without answers with zeros, in order", () => {
    const days = everyDay(
      [{ day: "2026-03-02", messages: 3, inputTokens: 10, outputTokens: 20, costUsd: 0.5 }],
      "2026-03-01",
      "2026-03-03",
    );
    expect(days.map((d) => [d.day, d.messages])).toEqual([
      ["2026-03-01", 0],
      ["2026-03-02", 3],
      ["2026-03-03", 0],
    ]);
  });

  it("scales bars to the largest value", () => {
    expect(shareOfMax(5, 10)).toBe(50);
    expect(shareOfMax(0, 0)).toBe(0);
  });
});
