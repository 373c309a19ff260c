import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { type Browser, chromium, type Page } from "playwright-core";

// What the widget's browser tests share: Debian's Chromium (never a downloaded browser), a host
// page on another origin embedding the one script tag, the panel's basic moves and axe-core.

const CHROMIUM = "/usr/bin/chromium";
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
}

/**
 * A shop's page on `localhost` (the API listens on 127.0.0.1: another origin) with the snippet.
 * `?key=` embeds another public key; `headExtra` goes into <head> (e.g. hostile CSS).
 */
export async function startHostPage(
  api: string,
  publicKey: () => string,
  headExtra = "",
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const key = new URL(req.url ?? "/", "http://x").searchParams.get("key") ?? publicKey();
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title>${headExtra}</head>
<body><main><h1>Acme Coffee</h1><p>Fresh beans daily.</p></main>
<script src="${api}/widget.js" data-agent="${key}" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
  return { server, url: `http://localhost:${(server.address() as AddressInfo).port}/` };
}

export async function openPanel(page: Page) {
  const launcher = page.locator("[data-minichat] button.l");
  await launcher.waitFor({ state: "visible", timeout: 15_000 });
  await launcher.click();
  await page.locator("#mc-panel").waitFor({ state: "visible", timeout: 15_000 });
}

export async function ask(page: Page, question: string) {
  await page.locator("#mc-panel textarea").fill(question);
  await page.keyboard.press("Enter");
}

/** axe-core's serious and critical findings inside the widget. */
export async function axeSerious(page: Page) {
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() => {
    type Axe = {
      run(
        ctx: unknown,
        o: unknown,
      ): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }>;
    };
    const axe = (window as unknown as { axe: Axe }).axe;
    return axe.run({ include: [["[data-minichat]"]] }, { resultTypes: ["violations"] });
  });
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
