// What the loader hands the panel, and the few helpers both sides need. The loader must stay
// tiny (no framework), so this file holds types and small functions only.

export type Locale = "en" | "th" | "ru";

export type WidgetConfig = {
  agentName: string;
  avatarUrl: string | null;
  color: string;
  position: "bottom-right" | "bottom-left";
  theme: "light" | "dark" | "auto";
  welcomeMessage: string | null;
  suggestedQuestions: string[];
  defaultLocale: Locale;
  requireContactForm: boolean;
  proactive: { enabled: boolean; delaySeconds: number; urlPatterns: string[]; message: string | null } | null;
};

export type Session = { conversationId: string; visitorToken: string; expiresAt: string };

export type MountOptions = {
  /** The widget's shadow root on the host page. */
  root: ShadowRoot;
  launcher: HTMLButtonElement;
  badge: HTMLElement;
  config: WidgetConfig;
  /** Where the MiniChat server is (the origin widget.js came from). */
  base: string;
  publicKey: string;
  locale: Locale;
  /** Open the panel right away (the visitor clicked), or only get ready. */
  open: boolean;
  /** A proactive greeting already shown on the launcher, to show as the first message. */
  greeting: string | null;
  user?: { id: string; hash: string } | undefined;
};

export type Mount = (o: MountOptions) => { toggle(open?: boolean): void };

/** The visitor's language: the first of navigator.languages we speak, else the agent's default. */
export function pickLocale(languages: readonly string[], fallback: Locale): Locale {
  for (const l of languages) {
    const base = l.toLowerCase().split("-")[0];
    if (base === "en" || base === "th" || base === "ru") return base;
  }
  return fallback;
}

/** `*` matches anything; a pattern matches the whole URL or its path. Empty list: every page. */
export function urlMatches(patterns: string[], href: string, path: string): boolean {
  if (!patterns.length) return true;
  return patterns.some((p) => {
    const re = new RegExp(
      `^${p
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
    return re.test(href) || re.test(path);
  });
}

const KEY = (publicKey: string) => `minichat:${publicKey}`;

/** The visitor's conversation kept across reloads and tabs, until its token expires. */
export function loadSession(publicKey: string): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY(publicKey)) ?? "null") as Session | null;
    if (s && new Date(s.expiresAt).getTime() > Date.now()) return s;
    if (s) localStorage.removeItem(KEY(publicKey));
  } catch {
    // storage blocked (privacy mode) or garbage: start afresh
  }
  return null;
}

export function saveSession(publicKey: string, s: Session | null): void {
  try {
    if (s) localStorage.setItem(KEY(publicKey), JSON.stringify(s));
    else localStorage.removeItem(KEY(publicKey));
  } catch {
    // storage blocked: the conversation lasts as long as the page
  }
}

/** Text colour readable on the agent's colour (#rrggbb): dark on light colours, else white. */
export function textOn(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return l > 0.35 ? "#111827" : "#ffffff";
}
