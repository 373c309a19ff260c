import type { TInboxConversation } from "@minichat/contracts";
import { describe, expect, it } from "vitest";
import {
  appendMessage,
  browserName,
  DEFAULT_FILTERS,
  expandShortcut,
  insertCanned,
  listSearch,
  listTime,
  matchCanned,
  patchPages,
  safeHref,
  slashQuery,
  sumUnread,
  visitorDetails,
} from "./inbox-logic.ts";

const canned = [
  { shortcut: "hours", title: "Opening hours", body: "We are open 8:00–18:00." },
  { shortcut: "refund", title: "Refunds", body: "Refunds take 5 days." },
  { shortcut: "thanks", title: "Thank you", body: "Thanks for writing!" },
  { shortcut: "ชั่วโมง", title: "เวลาเปิด", body: "เปิด 8 โมง" },
];

describe("filters → query string", () => {
  it("sends only what differs from 'everything'", () => {
    expect(listSearch(DEFAULT_FILTERS, null, 30)).toBe("status=open&limit=30");
    expect(listSearch({ status: "all", channel: "", assignee: "any", unread: false }, null, 30)).toBe(
      "limit=30",
    );
    expect(listSearch({ status: "human", channel: "widget", assignee: "me", unread: true }, "abc", 10)).toBe(
      "status=human&channel=widget&assignee=me&unread=true&cursor=abc&limit=10",
    );
  });
});

describe("`/shortcut` autocomplete", () => {
  it("finds the slash word before the caret, at the start or after a space only", () => {
    expect(slashQuery("/ho", 3)).toEqual({ query: "ho", start: 0 });
    expect(slashQuery("Hi! /", 5)).toEqual({ query: "", start: 4 });
    expect(slashQuery("see a/b", 7)).toBeNull();
    expect(slashQuery("/hours and more", 15)).toBeNull();
    expect(slashQuery("line\n/ref", 9)).toEqual({ query: "ref", start: 5 });
    expect(slashQuery("/ชั่ว", 5)).toEqual({ query: "ชั่ว", start: 0 });
  });

  it("ranks shortcuts that start with the query above those that contain it", () => {
    expect(matchCanned(canned, "h").map((c) => c.shortcut)).toEqual(["hours", "thanks"]);
    expect(matchCanned(canned, "").length).toBe(4);
    expect(matchCanned(canned, "REF").map((c) => c.shortcut)).toEqual(["refund"]);
    expect(matchCanned(canned, "thank you").map((c) => c.shortcut)).toEqual(["thanks"]);
    expect(matchCanned(canned, "zzz")).toEqual([]);
  });

  it("replaces the slash word with the text and puts the caret after it", () => {
    expect(insertCanned("Hi! /ho", 7, 4, "We are open.")).toEqual({ text: "Hi! We are open.", caret: 16 });
    expect(insertCanned("/re tail", 3, 0, "Refunds.")).toEqual({ text: "Refunds. tail", caret: 8 });
  });

  it("expands a message that is only a known shortcut, as the server does", () => {
    expect(expandShortcut("/hours", canned)).toBe("We are open 8:00–18:00.");
    expect(expandShortcut(" /HOURS ", canned)).toBe("We are open 8:00–18:00.");
    expect(expandShortcut("/nope", canned)).toBe("/nope");
    expect(expandShortcut("see /hours", canned)).toBe("see /hours");
  });
});

const conv = (id: string, unreadCount: number) => ({ id, unreadCount, status: "ai" }) as TInboxConversation;

describe("cache patches", () => {
  it("changes one conversation in every loaded page and leaves the rest", () => {
    const data = {
      pages: [
        { conversations: [conv("a", 1), conv("b", 2)], nextCursor: "x" },
        { conversations: [conv("c", 0)], nextCursor: null },
      ],
      pageParams: [null, "x"],
    };
    const next = patchPages(data, "c", { status: "human" });
    expect(next?.pages[1]?.conversations[0]?.status).toBe("human");
    expect(next?.pages[0]).toEqual(data.pages[0]);
    expect(data.pages[1]?.conversations[0]?.status).toBe("ai");
    expect(patchPages(undefined, "a", {})).toBeUndefined();
  });

  it("adds up unread counts and never shows a message twice", () => {
    expect(sumUnread([conv("a", 2), conv("b", 3), conv("c", 0)])).toBe(5);
    const list = [{ id: "1" }, { id: "2" }];
    expect(appendMessage(list, { id: "2" })).toBe(list);
    expect(appendMessage(list, { id: "3" }).map((m) => m.id)).toEqual(["1", "2", "3"]);
  });
});

describe("display", () => {
  const now = new Date("2026-11-20T15:00:00");
  it("shows the time today, the weekday this week and the date before, per language", () => {
    expect(listTime("en", "2026-11-20T09:05:00", now)).toMatch(/9:05/);
    expect(listTime("en", "2026-11-18T09:05:00", now)).toBe("Wed");
    expect(listTime("ru", "2026-11-18T09:05:00", now)).toBe("ср");
    expect(listTime("en", "2026-10-02T09:05:00", now)).toBe("Oct 2");
    expect(listTime("th", "2025-10-02T09:05:00", now)).toContain("2568");
  });

  it("links only web addresses", () => {
    expect(safeHref("https://shop.example/menu")).toBe("https://shop.example/menu");
    expect(safeHref("javascript:alert(1)")).toBeUndefined();
    expect(safeHref("not a url")).toBeUndefined();
    expect(safeHref(42)).toBeUndefined();
  });

  it("names the browser and lists the visitor's details in order", () => {
    const ua =
      "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
    expect(browserName(ua)).toBe("Chrome · Android");
    expect(browserName("curl/8.0")).toBe("curl/8.0");
    expect(
      visitorDetails({ country: "TH", pageUrl: "https://a.example", junk: { x: 1 }, locale: "" }),
    ).toEqual([
      ["pageUrl", "https://a.example"],
      ["country", "TH"],
    ]);
  });
});
