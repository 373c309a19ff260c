import { type Mount, pickLocale, textOn, urlMatches, type WidgetConfig } from "./shared.ts";

// widget.js: the tiny, framework-free loader host pages embed. It reads data-agent, fetches the
// agent's public config, draws the launcher in a shadow root (host CSS cannot reach it, its CSS
// cannot leak out) and runs the Preact panel only on first interaction (downloading it ahead
// when the browser is idle). Anything wrong (unknown key, disallowed origin, server down) leaves
// the page untouched.

declare const __PANEL_FILE__: string;
declare global {
  interface Window {
    __minichatPanel?: (mount: Mount) => void;
  }
}

const LABEL = { en: "Open chat", th: "เปิดแชท", ru: "Открыть чат" };

(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const agent = script?.dataset.agent;
  if (!script || !agent) return;
  const publicKey: string = agent;
  const base = new URL(script.src).origin;
  // Identity verification: the host page signs its user's id (see docs/en/widget.md).
  const { userId, userHash } = script.dataset;
  const user = userId && userHash ? { id: userId, hash: userHash } : undefined;

  fetch(`${base}/api/v1/widget/${encodeURIComponent(publicKey)}/config`)
    .then((r) => (r.ok ? (r.json() as Promise<WidgetConfig>) : null))
    .then((config) => config && start(config))
    .catch(() => {});

  function start(config: WidgetConfig) {
    const locale = pickLocale(navigator.languages ?? [navigator.language], config.defaultLocale);
    const host = document.createElement("div");
    host.setAttribute("data-minichat", "");
    const root = host.attachShadow({ mode: "open" });
    const side = config.position === "bottom-left" ? "left" : "right";
    const style = document.createElement("style");
    style.textContent = `:host{all:initial}
.l{position:fixed;bottom:20px;${side}:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;background:${config.color};color:${textOn(config.color)};box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}
.l:focus-visible{outline:3px solid #111;outline-offset:3px}
.b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#dc2626;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}
.b[hidden],.g[hidden]{display:none}
.g{position:fixed;bottom:86px;${side}:20px;z-index:2147483000;max-width:260px;padding:12px 14px;border-radius:12px;background:#fff;color:#111;font:14px/1.4 system-ui,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.2);cursor:pointer}`;
    const launcher = document.createElement("button");
    launcher.className = "l";
    launcher.type = "button";
    launcher.setAttribute("aria-label", LABEL[locale]);
    launcher.setAttribute("aria-expanded", "false");
    launcher.innerHTML =
      '<svg width="28" height="28" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
    const badge = document.createElement("span");
    badge.className = "b";
    badge.hidden = true;
    launcher.append(badge);
    const bubble = document.createElement("div");
    bubble.className = "g";
    bubble.hidden = true;
    bubble.setAttribute("role", "status");
    root.append(style, launcher, bubble);
    document.body.append(host);

    let greeting: string | null = null;
    let panel: { toggle(open?: boolean): void } | null = null;
    let loading: Promise<Mount> | null = null;
    const load = () => {
      loading ??= new Promise<Mount>((resolve, reject) => {
        window.__minichatPanel = resolve;
        const s = document.createElement("script");
        s.src = `${base}/widget/${__PANEL_FILE__}`;
        s.async = true;
        s.onerror = () => {
          loading = null;
          reject(new Error("panel failed to load"));
        };
        document.head.append(s);
      });
      return loading;
    };
    const open = () => {
      bubble.hidden = true;
      if (panel) return panel.toggle();
      load()
        .then((mount) => {
          panel ??= mount({
            root,
            launcher,
            badge,
            config,
            base,
            publicKey,
            locale,
            open: true,
            greeting,
            user,
          });
        })
        .catch(() => {});
    };
    launcher.addEventListener("click", open);
    bubble.addEventListener("click", open);

    // Download the panel once the page has settled, so the first click opens at once, but do
    // not run it: parsing and running it is the one heavy task the widget has, and it must not
    // land on the host page before the visitor shows interest (bench/host-impact.bench.ts).
    const idle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 3000));
    idle(
      () => {
        const l = document.createElement("link");
        l.rel = "prefetch";
        l.as = "script";
        l.href = `${base}/widget/${__PANEL_FILE__}`;
        document.head.append(l);
      },
      { timeout: 8000 },
    );

    const p = config.proactive;
    if (p?.enabled && urlMatches(p.urlPatterns, location.href, location.pathname)) {
      setTimeout(() => {
        if (panel) return;
        greeting = p.message ?? config.welcomeMessage;
        if (!greeting) return;
        bubble.textContent = greeting;
        bubble.hidden = false;
        badge.textContent = "1";
        badge.hidden = false;
      }, p.delaySeconds * 1000);
    }
  }
})();
