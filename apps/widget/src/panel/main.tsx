import { render } from "preact";
import type { Mount } from "../shared.ts";
import { App } from "./app.tsx";
import { panelCss } from "./styles.ts";

// The panel bundle: hands its mount function to the loader that injected it.
const mount: Mount = (o) => {
  const style = document.createElement("style");
  style.textContent = panelCss(o.config.color, o.config.position === "bottom-left" ? "left" : "right");
  const el = document.createElement("div");
  o.root.append(style, el);
  const openRef: { set?: (open: boolean | undefined) => void } = {};
  render(<App {...o} openRef={openRef} />, el);
  return { toggle: (open) => openRef.set?.(open) };
};

window.__minichatPanel?.(mount);
