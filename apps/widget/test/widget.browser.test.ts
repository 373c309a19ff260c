import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownerWithLiveAgent } from "../../server/src/modules/widget/widget-test-helpers.ts";
import { createTestApp, type TestApp } from "../../server/test/harness.ts";
import { buildWidget } from "../build.ts";
import { ask, axeSerious, launchChromium, openPanel, startHostPage } from "./browser-helpers.ts";

// The widget end to end in Debian's Chromium (never a downloaded browser): the real server on a
// fresh database, a plain host page on another origin embedding the one script tag.

const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

let t: TestApp;
let api: string;
let host: Server;
let hostUrl: string;
let browser: Browser;
let publicKey: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildWidget();
  t = await createTestApp({ env: { RATE_LIMIT_MAX: "10000", AUTH_RATE_LIMIT_MAX: "10000" } });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  api = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const owner = await ownerWithLiveAgent(t.app, {
    name: "Mia",
    quickAnswers: [
      {
        question: "What are your opening hours?",
        answer: "We are **open** from 7am to 6pm, Monday to Saturday.",
      },
      {
        question: "Show me the hostile answer",
        answer:
          'Careful: <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [click me](javascript:window.__pwned=3)',
      },
    ],
  });
  publicKey = owner.publicKey;
  // Hostile host CSS: it must not reach into the widget's shadow root.
  ({ server: host, url: hostUrl } = await startHostPage(
    api,
    () => publicKey,
    "<style>button{background:red!important;font-size:40px!important} div{color:lime!important}</style>",
  ));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  host?.close();
  await t?.close();
});

describe("the widget on a host page", () => {
  it("opens, streams a cited answer, survives a reload, and passes axe", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(hostUrl);
    await openPanel(page);
    expect(await page.locator("#mc-panel h2").textContent()).toBe("Mia");
    // Focus moves into the panel, ready to type.
    expect(
      await page.evaluate(
        () => document.querySelector("[data-minichat]")?.shadowRoot?.activeElement?.tagName,
      ),
    ).toBe("TEXTAREA");
    await ask(page, "What are your opening hours?");
    const answer = page.locator(".m.assistant", { hasText: "7am to 6pm" });
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.locator("strong").textContent()).toBe("open");
    expect(await answer.locator(".src li").first().textContent()).toContain("What are your opening hours?");
    // Host CSS does not reach into the shadow root.
    const send = page.locator("#mc-panel form.f button");
    expect(await send.evaluate((b) => getComputedStyle(b).backgroundColor)).not.toBe("rgb(255, 0, 0)");
    await page.screenshot({ path: `${ARTIFACTS}answer.png` });

    const serious = await axeSerious(page);
    expect(JSON.stringify(serious, null, 1)).toBe("[]");

    await page.reload();
    await openPanel(page);
    await page.locator(".m.assistant", { hasText: "7am to 6pm" }).waitFor({ timeout: 15_000 });
    expect(await page.locator(".m.visitor", { hasText: "What are your opening hours?" }).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}after-reload.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows hostile markdown as text and never runs it", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(hostUrl);
    await openPanel(page);
    await ask(page, "Show me the hostile answer");
    const answer = page.locator(".m.assistant", { hasText: "Careful" });
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent(), (await answer.textContent()) ?? "").toContain("<img src=x onerror=");
    expect(await answer.locator("img, script").count()).toBe(0);
    expect(await answer.locator("a[href^='javascript']").count()).toBe(0);
    const clickable = answer.getByText("click me");
    if (await clickable.count()) await clickable.click();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.screenshot({ path: `${ARTIFACTS}hostile.png` });
    await context.close();
  });

  it("stays invisible for an unknown agent key", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.setContent(
      `<!doctype html><html><body><p>x</p><script src="${api}/widget.js" data-agent="pk_unknown"></script></body></html>`,
    );
    await page.waitForLoadState("networkidle");
    expect(await page.locator("[data-minichat]").count()).toBe(0);
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
