import type { TWidgetConfig } from "@minichat/contracts";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { NS } from "./i18n.ts";

// The real widget (/widget.js and its panel, as a visitor's browser loads them) in a frame of
// its own, fed the settings being edited instead of the saved ones: the loader's one request
// for its config is answered here, and every other request (starting a chat) is refused, so the
// preview never creates conversations. The frame shares the dashboard's origin and CSP on
// purpose — no inline script is needed, the dashboard drives it — so it carries no sandbox
// attribute (with allow-scripts and allow-same-origin together it would only add a console
// warning). What runs in it is our own widget on a fixed placeholder page: nothing the owner
// types becomes HTML, the widget renders it as text.

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"></head>' +
  '<body style="margin:0;min-height:100vh;background:#f4f4f5;font:14px system-ui,sans-serif">' +
  '<div style="height:44px;background:#e4e4e7"></div><div style="display:grid;gap:12px;padding:24px">' +
  '<div style="height:22px;width:55%;background:#d4d4d8;border-radius:4px"></div>' +
  '<div style="height:12px;width:90%;background:#e4e4e7;border-radius:4px"></div>' +
  '<div style="height:12px;width:80%;background:#e4e4e7;border-radius:4px"></div>' +
  '<div style="height:12px;width:85%;background:#e4e4e7;border-radius:4px"></div>' +
  '<div style="height:120px;width:100%;background:#e4e4e7;border-radius:8px"></div></div></body></html>';

const REFRESH_MS = 350;

type PreviewWindow = Window & typeof globalThis;

/** Starts the widget in the frame's fresh document with `config`, its panel opened. */
function startWidget(frame: HTMLIFrameElement, config: TWidgetConfig, language: string): void {
  const win = frame.contentWindow as PreviewWindow | null;
  const doc = frame.contentDocument;
  if (!win || !doc?.body) return;
  const json = JSON.stringify(config);
  win.fetch = (async (input: RequestInfo | URL) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (/\/api\/v1\/widget\/[^/]+\/config$/.test(url)) {
      return new Response(json, { status: 200, headers: { "content-type": "application/json" } });
    }
    return new Response(JSON.stringify({ error: { code: "PREVIEW", message: "Preview only" } }), {
      status: 503,
      headers: { "content-type": "application/json" },
    });
  }) as typeof fetch;
  // The visitor's language decides the widget's; show the owner's.
  Object.defineProperty(win.navigator, "languages", { value: [language], configurable: true });
  // The panel focuses its message box when it opens; an automatic open must not pull the focus
  // away from the field the owner is typing in. Once they use the preview, focus works normally.
  let used = false;
  const use = () => {
    used = true;
  };
  doc.addEventListener("pointerdown", use, true);
  doc.addEventListener("keydown", use, true);
  const focus = win.HTMLElement.prototype.focus;
  win.HTMLElement.prototype.focus = function (this: HTMLElement, options?: FocusOptions) {
    if (used) focus.call(this, options);
  };
  // Open the panel as soon as the launcher is drawn.
  const observer = new win.MutationObserver(() => {
    const launcher = doc.querySelector("[data-minichat]")?.shadowRoot?.querySelector("button");
    if (!launcher) return;
    observer.disconnect();
    launcher.click();
  });
  observer.observe(doc.body, { childList: true });
  const script = doc.createElement("script");
  script.src = `${window.location.origin}/widget.js`;
  script.async = true;
  script.dataset.agent = "preview";
  doc.body.append(script);
}

export function WidgetPreview({ config }: { config: TWidgetConfig }) {
  const { t, i18n } = useTranslation(NS);
  const json = JSON.stringify(config);
  // A new frame (fresh document) for each settled change: the widget reads its config once.
  const [shown, setShown] = useState({ json, n: 0 });
  useEffect(() => {
    if (json === shown.json) return;
    const id = setTimeout(() => setShown((s) => ({ json, n: s.n + 1 })), REFRESH_MS);
    return () => clearTimeout(id);
  }, [json, shown.json]);

  const language = i18n.language;
  const external = config.avatarUrl && !config.avatarUrl.startsWith(window.location.origin);
  return (
    <div className="grid gap-2">
      <iframe
        key={`${shown.n}-${i18n.language}`}
        title={t("editor.widget.previewFrame")}
        srcDoc={PAGE}
        onLoad={(e) => startWidget(e.currentTarget, JSON.parse(shown.json) as TWidgetConfig, language)}
        data-testid="widget-preview"
        className="h-[40rem] w-full rounded-lg border bg-muted"
      />
      <p className="text-xs text-muted-foreground">
        {t("editor.widget.previewNote")}
        {external ? ` ${t("editor.widget.previewAvatarNote")}` : ""}
      </p>
    </div>
  );
}
