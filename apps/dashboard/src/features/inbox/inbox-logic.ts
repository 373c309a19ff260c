import type { TInboxConversation, TInboxListQuery } from "@minichat/contracts";
import type { InfiniteData } from "@tanstack/react-query";

// The inbox's client-side logic, free of React so it is unit-tested in node: filters → query
// string, cache patches for optimistic updates and live events, the `/shortcut` autocomplete.

export type InboxFilters = {
  status: "open" | "all" | NonNullable<Exclude<TInboxListQuery["status"], "open">>;
  channel: "" | "widget" | "api" | "test";
  assignee: "any" | "me" | "none";
  unread: boolean;
};
export const DEFAULT_FILTERS: InboxFilters = { status: "open", channel: "", assignee: "any", unread: false };

export function listSearch(f: InboxFilters, cursor: string | null, limit: number): string {
  const p = new URLSearchParams();
  if (f.status !== "all") p.set("status", f.status);
  if (f.channel) p.set("channel", f.channel);
  if (f.assignee !== "any") p.set("assignee", f.assignee);
  if (f.unread) p.set("unread", "true");
  if (cursor) p.set("cursor", cursor);
  p.set("limit", String(limit));
  return p.toString();
}

type Page = { conversations: TInboxConversation[]; nextCursor: string | null };

/** A conversation changed: the same change in every loaded page (undefined stays undefined). */
export function patchPages<T extends Page>(
  data: InfiniteData<T> | undefined,
  id: string,
  patch: Partial<TInboxConversation>,
): InfiniteData<T> | undefined {
  if (!data) return data;
  return {
    ...data,
    pages: data.pages.map((p) => ({
      ...p,
      conversations: p.conversations.map((c) => (c.id === id ? { ...c, ...patch } : c)),
    })),
  };
}

export function sumUnread(conversations: { unreadCount: number }[]): number {
  return conversations.reduce((n, c) => n + Math.max(0, c.unreadCount), 0);
}

/** Messages by id, oldest first: a live event and the fetch that follows never show one twice. */
export function appendMessage<M extends { id: string }>(messages: M[], m: M): M[] {
  if (messages.some((x) => x.id === m.id)) return messages;
  return [...messages, m];
}

// ── `/shortcut` autocomplete ───────────────────────────────────────────────────────────────────

const SLASH_WORD = /(^|\s)\/([\p{L}\p{M}\p{N}_-]*)$/u;

/** The `/word` being typed just before the caret, if any (at the start or after a space). */
export function slashQuery(text: string, caret: number): { query: string; start: number } | null {
  const m = SLASH_WORD.exec(text.slice(0, caret));
  if (!m) return null;
  const query = m[2] ?? "";
  return { query, start: caret - query.length - 1 };
}

/** Shortcuts starting with the query first, then those containing it (in shortcut or title). */
export function matchCanned<C extends { shortcut: string; title: string }>(
  list: C[],
  query: string,
  max = 8,
): C[] {
  const q = query.toLowerCase();
  const starts = list.filter((c) => c.shortcut.toLowerCase().startsWith(q));
  const contains = list.filter(
    (c) => !starts.includes(c) && (c.shortcut.toLowerCase().includes(q) || c.title.toLowerCase().includes(q)),
  );
  return [...starts, ...contains].slice(0, max);
}

/** Replaces the `/word` before the caret with the response's text; the caret lands after it. */
export function insertCanned(
  text: string,
  caret: number,
  start: number,
  body: string,
): { text: string; caret: number } {
  const next = text.slice(0, start) + body + text.slice(caret);
  return { text: next, caret: start + body.length };
}

/** What the server will store for a reply: a message that is only `/shortcut` expands. */
export function expandShortcut(content: string, list: { shortcut: string; body: string }[]): string {
  const m = /^\/([\p{L}\p{M}\p{N}_-]+)$/u.exec(content.trim());
  if (!m) return content;
  const hit = list.find((c) => c.shortcut.toLowerCase() === m[1]!.toLowerCase());
  return hit ? hit.body : content;
}

// ── Display helpers ────────────────────────────────────────────────────────────────────────────

/** Today: the time; this week: the weekday; older: the date — in the interface language. */
export function listTime(lang: string, iso: string, now = new Date()): string {
  const d = new Date(iso);
  const sameDay = d.toDateString() === now.toDateString();
  if (sameDay) return new Intl.DateTimeFormat(lang, { timeStyle: "short" }).format(d);
  const days = (now.getTime() - d.getTime()) / 86_400_000;
  if (days >= 0 && days < 6) return new Intl.DateTimeFormat(lang, { weekday: "short" }).format(d);
  const sameYear = d.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(lang, {
    day: "numeric",
    month: "short",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(d);
}

/** Only web links become clickable (a visitor's page URL could say `javascript:`). */
export function safeHref(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Visitor details worth showing, in a stable order, as strings. */
export function visitorDetails(visitor: Record<string, unknown>): [string, string][] {
  const keys = ["pageUrl", "referrer", "origin", "locale", "userAgent", "country"] as const;
  const out: [string, string][] = [];
  for (const k of keys) {
    const v = visitor[k];
    if (typeof v === "string" && v.trim()) out.push([k, v]);
    else if (typeof v === "number") out.push([k, String(v)]);
  }
  return out;
}

/** "Chrome on Android" from a user agent string; the raw string when nothing is recognised. */
export function browserName(ua: string): string {
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /OPR\//.test(ua)
      ? "Opera"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Chrome\/|CriOS\//.test(ua)
          ? "Chrome"
          : /Safari\//.test(ua)
            ? "Safari"
            : null;
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad|iPod/.test(ua)
      ? "iOS"
      : /Windows/.test(ua)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(ua)
          ? "macOS"
          : /Linux/.test(ua)
            ? "Linux"
            : null;
  if (!browser) return ua.slice(0, 80);
  return os ? `${browser} · ${os}` : browser;
}
