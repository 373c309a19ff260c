import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownerWithLiveAgent, type WidgetOwner } from "../../server/src/modules/widget/widget-test-helpers.ts";
import { call, createTestApp, type TestApp } from "../../server/test/harness.ts";
import { buildWidget } from "../build.ts";
import { ask, launchChromium, openPanel, startHostPage } from "./browser-helpers.ts";

// The widget's settings as a visitor meets them in Debian's Chromium: the panel in the browser's
// language, the pre-chat contact form, the proactive greeting on matching pages only. Each test
// has an agent of its own (the host page embeds it with ?key=), set up the way owners do it.

let t: TestApp;
let api: string;
let host: Server;
let hostUrl: string;
let browser: Browser;

beforeAll(async () => {
  await buildWidget();
  t = await createTestApp({ env: { RATE_LIMIT_MAX: "10000", AUTH_RATE_LIMIT_MAX: "10000" } });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  api = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  ({ server: host, url: hostUrl } = await startHostPage(api, () => "pk_unused"));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  host?.close();
  await t?.close();
});

/** A live agent with these widget settings, saved through the owners' API. */
async function agentWith(widget: Record<string, unknown>): Promise<WidgetOwner> {
  const owner = await ownerWithLiveAgent(t.app);
  const res = await call(
    t.app,
    owner.bearer,
    "PATCH",
    `/api/v1/workspaces/${owner.wsId}/agents/${owner.agentId}`,
    { widget },
  );
  expect(res.statusCode, res.body).toBe(200);
  return owner;
}

const pageFor = (owner: WidgetOwner, path = "") => `${hostUrl}${path}?key=${owner.publicKey}`;

describe("widget features in the browser", () => {
  const languages = [
    { locale: "th-TH", launcher: "เปิดแชท", placeholder: "พิมพ์ข้อความ…", send: "ส่ง", human: "คุยกับเจ้าหน้าที่" },
    {
      locale: "ru-RU",
      launcher: "Открыть чат",
      placeholder: "Введите сообщение…",
      send: "Отправить",
      human: "Позвать человека",
    },
  ];
  for (const l of languages) {
    it(`speaks the browser's language (${l.locale})`, async () => {
      const owner = await agentWith({ defaultLocale: "en" });
      const context = await browser.newContext({ locale: l.locale });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(pageFor(owner));
      const launcher = page.locator("[data-minichat] button.l");
      await launcher.waitFor({ state: "visible", timeout: 15_000 });
      expect(await launcher.getAttribute("aria-label")).toBe(l.launcher);
      await openPanel(page);
      const textarea = page.locator("#mc-panel textarea");
      expect(await textarea.getAttribute("placeholder")).toBe(l.placeholder);
      expect(await page.locator("#mc-panel form.f button").textContent()).toBe(l.send);
      // "Talk to a human" appears once there is a conversation.
      await ask(page, "What are your opening hours?");
      await page.locator(".m.assistant", { hasText: "7am to 6pm" }).waitFor({ timeout: 15_000 });
      await page
        .locator("#mc-panel .h button", { hasText: l.human })
        .waitFor({ state: "visible", timeout: 15_000 });
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("asks for contact details first when the pre-chat form is required, and makes a lead", async () => {
    const owner = await agentWith({ requireContactForm: true });
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(pageFor(owner));
    await openPanel(page);
    const form = page.locator("#mc-panel form.card", { hasText: "Before we start, how can we reach you?" });
    await form.waitFor({ state: "visible", timeout: 15_000 });
    // No way to type a message until the form is done.
    expect(await page.locator("#mc-panel textarea").count()).toBe(0);
    await form.locator("input[name=name]").fill("Pim Visitor");
    await form.locator("input[name=email]").fill("pim.visitor@example.com");
    await form.getByRole("button", { name: "Start chat" }).click();

    await page.locator("#mc-panel textarea").waitFor({ state: "visible", timeout: 15_000 });
    expect(await form.count()).toBe(0);
    await ask(page, "What are your opening hours?");
    await page.locator(".m.assistant", { hasText: "7am to 6pm" }).waitFor({ timeout: 15_000 });

    const leads = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${owner.wsId}/leads`);
    expect(leads.statusCode, leads.body).toBe(200);
    const list = leads.json() as { leads: { contact: { name: string | null; email: string | null } }[] };
    expect(list.leads.map((x) => x.contact)).toEqual([
      expect.objectContaining({ name: "Pim Visitor", email: "pim.visitor@example.com" }),
    ]);
    await context.close();
  });

  it("greets proactively on matching pages only", async () => {
    const message = "Need help choosing beans?";
    const owner = await agentWith({
      // Patterns match the page's whole URL or its path; * is anything.
      proactive: { enabled: true, delaySeconds: 1, urlPatterns: ["/beans*"], message },
    });
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(pageFor(owner, "beans/arabica"));
    const bubble = page.locator("[data-minichat] .g");
    await bubble.waitFor({ state: "visible", timeout: 15_000 });
    expect(await bubble.textContent()).toBe(message);
    expect(await page.locator("[data-minichat] .b").textContent()).toBe("1");
    // Clicking the greeting opens the panel with it as the first message.
    await bubble.click();
    await page.locator("#mc-panel").waitFor({ state: "visible", timeout: 15_000 });
    await page.locator("#mc-panel .log", { hasText: message }).waitFor({ timeout: 15_000 });
    expect(await bubble.isVisible()).toBe(false);

    const other = await context.newPage();
    await other.goto(pageFor(owner, "about"));
    await other.locator("[data-minichat] button.l").waitFor({ state: "visible", timeout: 15_000 });
    // The delay is one second: three seconds without a greeting means none is coming.
    await other.waitForTimeout(3000);
    expect(await other.locator("[data-minichat] .g").isVisible()).toBe(false);
    expect(await other.getByText(message).count()).toBe(0);
    await context.close();
  });
});
