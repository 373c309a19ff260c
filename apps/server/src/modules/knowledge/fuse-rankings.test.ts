import { describe, expect, it } from "vitest";
import { fuseRankings } from "./fuse-rankings.ts";

describe("reciprocal rank fusion", () => {
  it("puts first what both rankings agree on, then alternates their own best", () => {
    // b is 2nd in both lists: 2/62 beats a's 1/61 and x's 1/61.
    expect(
      fuseRankings([
        ["a", "b", "c"],
        ["x", "b", "y"],
      ]),
    ).toEqual(["b", "a", "x", "c", "y"]);
  });

  it("keeps a single ranking as it is, and ties in the order first seen", () => {
    expect(fuseRankings([["c", "a", "b"]])).toEqual(["c", "a", "b"]);
    expect(fuseRankings([["a"], ["b"]])).toEqual(["a", "b"]);
    expect(fuseRankings([[], []])).toEqual([]);
  });

  it("lets a smaller k weigh the top ranks more", () => {
    // a: 1st and 4th; b: 2nd and 2nd. With k=60 b wins (2/62 > 1/61+1/64); with k=0, a (1+1/4 > 1).
    const rankings = [
      ["a", "b", "c", "d"],
      ["x", "b", "y", "a"],
    ];
    expect(fuseRankings(rankings)[0]).toBe("b");
    expect(fuseRankings(rankings, 0)[0]).toBe("a");
  });
});
