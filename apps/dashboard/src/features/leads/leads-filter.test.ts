import type { TLead } from "@minichat/contracts";
import { describe, expect, it } from "vitest";
import {
  channelKey,
  groupByStatus,
  hasFilters,
  leadTitle,
  NO_FILTERS,
  toApiFilter,
  toQueryString,
  withStatus,
} from "./leads-filter.ts";

const lead = (id: string, status: TLead["status"], contact: Partial<TLead["contact"]> = {}): TLead => ({
  id,
  status,
  visitorNote: null,
  contact: { id: "ctc_1", name: null, email: null, phone: null, ...contact },
  agent: null,
  conversationId: null,
  channel: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  statusChangedAt: null,
  latestNote: null,
});

describe("lead filters", () => {
  it("send only what is set, the search trimmed", () => {
    expect(toApiFilter(NO_FILTERS)).toEqual({});
    expect(hasFilters(NO_FILTERS)).toBe(false);
    const f = { ...NO_FILTERS, status: "won" as const, q: "  jane ", from: "2026-01-01" };
    expect(toApiFilter(f)).toEqual({ status: "won", q: "jane", from: "2026-01-01" });
    expect(hasFilters({ ...NO_FILTERS, q: "   " })).toBe(false);
  });

  it("become a query string the list and the export share, Thai and Cyrillic encoded", () => {
    expect(toQueryString({})).toBe("");
    expect(toQueryString({ q: "สมชาย", status: "new" }, { limit: "50" })).toBe(
      `?q=${encodeURIComponent("สมชาย")}&status=new&limit=50`,
    );
    expect(toQueryString({ q: "a&b=c" })).toBe("?q=a%26b%3Dc");
  });
});

describe("the pipeline", () => {
  it("has a column per status in order, each keeping the list's order", () => {
    const cols = groupByStatus([lead("a", "won"), lead("b", "new"), lead("c", "won")]);
    expect(cols.map((c) => c.status)).toEqual(["new", "contacted", "qualified", "won", "lost"]);
    expect(cols[3]!.leads.map((l) => l.id)).toEqual(["a", "c"]);
    expect(cols[1]!.leads).toEqual([]);
  });

  it("moves a lead optimistically, dropping it from a list filtered by its old status", () => {
    const list = [lead("a", "new"), lead("b", "new")];
    expect(withStatus(list, "a", "won", undefined).map((l) => [l.id, l.status])).toEqual([
      ["a", "won"],
      ["b", "new"],
    ]);
    expect(withStatus(list, "a", "won", "new").map((l) => l.id)).toEqual(["b"]);
    expect(withStatus(list, "a", "won", "won").map((l) => l.id)).toEqual(["a", "b"]);
  });

  it("names a lead by name, else email, else phone", () => {
    expect(leadTitle(lead("a", "new", { name: "Jane", email: "j@x.io" }))).toBe("Jane");
    expect(leadTitle(lead("a", "new", { email: "j@x.io", phone: "+1" }))).toBe("j@x.io");
    expect(leadTitle(lead("a", "new", { phone: "+66 81" }))).toBe("+66 81");
    expect(leadTitle(lead("a", "new"))).toBeNull();
  });
});

describe("where a lead came from", () => {
  it("names the known channels and leaves a new one to show as it is", () => {
    expect(channelKey("widget")).toBe("channel.widget");
    expect(channelKey("line")).toBeNull();
    expect(channelKey(null)).toBeNull();
  });
});
