import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeOpenAI } from "../../server/test/fake-llm.ts";
import {
  deliverStripeEvent,
  type FakeStripe,
  sessionIdFromUrl,
  startFakeStripe,
  stripeEnv,
  stripeEvent,
} from "../../server/test/fake-stripe.ts";
import {
  apiAs,
  type Dashboard,
  expectAccessible,
  expectTranslated,
  heading,
  type Owner,
  openPage,
  signedInOwner,
  startDashboard,
} from "./browser-helpers.ts";

// Usage, billing and AI providers in Debian's Chromium against the real server on a fresh
// PGlite database, with test doubles of the outside services on localhost: OpenAI (the
// platform's key, and a workspace's OpenAI-compatible server) and Stripe. Workspaces start on
// the Free plan, as on a real installation.

const PLATFORM_KEY = "sk-platform-0123456789abcdef";
const WS_KEY = "sk-workspace-abcdef0123456789";

let d: Dashboard;
let platformOpenAI: FakeLlmServer;
let compat: FakeLlmServer;
let stripe: FakeStripe;

beforeAll(async () => {
  [platformOpenAI, compat, stripe] = await Promise.all([
    startFakeOpenAI({ apiKey: PLATFORM_KEY }),
    startFakeOpenAI({ apiKey: WS_KEY, models: ["llama-3.1-8b", "qwen-2.5"] }),
    startFakeStripe(),
  ]);
  d = await startDashboard({
    env: {
      DEFAULT_PLAN: "free",
      ALLOW_PRIVATE_URLS: "127.0.0.1",
      OPENAI_API_KEY: PLATFORM_KEY,
      OPENAI_BASE_URL: platformOpenAI.url,
      ...stripeEnv(stripe),
    },
  });
}, 180_000);

afterAll(async () => {
  await d?.close();
  await Promise.all([platformOpenAI, compat, stripe].map((f) => f?.close()));
});

/** Another browser context signed in as the same owner, in a language. */
async function asOwner(context: BrowserContext, owner: Owner, language?: "th" | "ru") {
  await context.addCookies(
    owner.cookie.split("; ").map((pair) => {
      const i = pair.indexOf("=");
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: d.base };
    }),
  );
  if (language) await context.addInitScript((l) => localStorage.setItem("minichat.lang", l), language);
}

/** Payment pages of Stripe are outside: the browser "arrives" there and the test sees the URL. */
async function fakeStripePages(context: BrowserContext) {
  await context.route(/^https:\/\/(checkout|billing)\.stripe\.com\//, (route) =>
    route.fulfill({
      status: 200,
      contentType: "text/html",
      body: "<title>Stripe (test)</title><h1>Stripe</h1>",
    }),
  );
}

const total = (page: Page, key: string) => page.locator(`[data-total=${key}]`).innerText();

let usageOwner: Owner;
let billingOwner: Owner;

describe("usage, billing and AI providers", () => {
  it("usage: empty for a new workspace; totals, daily charts and breakdowns once agents answer", async () => {
    const { context, page, errors } = await openPage(d);
    usageOwner = await signedInOwner(d, context);
    const ws = usageOwner.workspaceId;

    await page.goto(`${d.base}/w/${ws}/usage`);
    await heading(page, "Usage");
    await page.getByRole("heading", { name: "No replies in this period" }).waitFor();
    await expectAccessible(page, "usage-01-empty");

    // Two answers of the built-in responder, then one of OpenAI (the platform's key) by the same agent.
    const agent = await apiAs<{ id: string }>(d, usageOwner, "POST", `/api/v1/workspaces/${ws}/agents`, {
      name: "Mia",
      provider: "builtin",
      model: "builtin",
    });
    const chat = `/api/v1/workspaces/${ws}/agents/${agent.id}/chat`;
    await apiAs(d, usageOwner, "POST", chat, { message: "What are your opening hours?" });
    await apiAs(d, usageOwner, "POST", chat, { message: "Do you deliver?" });
    await apiAs(d, usageOwner, "PATCH", `/api/v1/workspaces/${ws}/agents/${agent.id}`, {
      provider: "openai",
      model: "gpt-4o-mini",
    });
    await apiAs(d, usageOwner, "POST", chat, { message: "Hello there" });
    expect(platformOpenAI.requests.length).toBeGreaterThan(0);
    const report = await apiAs<{
      totals: { messages: number; inputTokens: number; outputTokens: number; costUsd: number };
    }>(d, usageOwner, "GET", `/api/v1/workspaces/${ws}/usage`);
    expect(report.totals.messages).toBe(3);
    expect(report.totals.costUsd).toBeGreaterThan(0);

    await page.reload();
    await heading(page, "Usage");
    await page.locator("[data-total=replies]").waitFor();
    expect(await total(page, "replies")).toBe("3");
    expect(await total(page, "inputTokens")).toBe(report.totals.inputTokens.toLocaleString("en"));
    expect(await total(page, "outputTokens")).toBe(report.totals.outputTokens.toLocaleString("en"));
    expect(await total(page, "cost")).toMatch(/^\$0\.0\d+$/);
    // Three charts (recharts, loaded with them), each with its numbers as a table.
    await page.locator(".recharts-surface").nth(2).waitFor();
    expect(await page.getByRole("img", { name: /Bar chart/ }).count()).toBe(3);
    const models = page.getByRole("region", { name: "By model" });
    await models.getByRole("rowheader", { name: /Built-in responder/ }).waitFor();
    await models.getByRole("rowheader", { name: /OpenAI · gpt-4o-mini/ }).waitFor();
    const byAgent = page.getByRole("region", { name: "By agent" });
    expect(await byAgent.getByRole("row", { name: /Mia/ }).innerText()).toMatch(/Mia\s+3\s/);

    await page.getByRole("button", { name: "7 days" }).click();
    expect(await page.getByRole("button", { name: "7 days" }).getAttribute("aria-pressed")).toBe("true");
    await page.getByText("Show as a table").first().click();
    const today = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(new Date());
    await page.getByRole("rowheader", { name: today }).first().waitFor();
    expect(await total(page, "replies")).toBe("3");
    await expectAccessible(page, "usage-02-report");

    expect(errors).toEqual([]);
    await context.close();
  });

  it("providers: a refused key is shown by its field, a good one is tested, saved and masked, then removed", async () => {
    const { context, page, errors } = await openPage(d);
    await asOwner(context, usageOwner);
    const ws = usageOwner.workspaceId;

    await page.goto(`${d.base}/w/${ws}/providers`);
    await heading(page, "AI providers");
    const openai = page.getByRole("group", { name: "OpenAI", exact: true });
    await openai.getByText("Provided by the platform").waitFor();
    const card = page.getByRole("group", { name: /OpenAI-compatible server/ });
    await card.getByText("Not set up", { exact: true }).waitFor();
    await expectAccessible(page, "providers-01-list");

    await card.getByRole("button", { name: /Connect/ }).click();
    const dialog = page.getByRole("dialog", { name: /Connect OpenAI-compatible server/ });
    await dialog.getByLabel("Server address").fill(compat.url);
    await dialog.getByLabel(/API key/).fill("sk-wrong-key-000000");
    await dialog.getByRole("button", { name: "Test and save" }).click();
    const keyInput = dialog.getByLabel(/API key/);
    await dialog.getByText(/The test request failed: .*rejected the API key \(HTTP 401\)/).waitFor();
    expect(await keyInput.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await keyInput.getAttribute("aria-describedby")) ?? "";
    expect(await page.locator(`[id="${describedBy.split(" ").at(-1)}"]`).innerText()).toContain("HTTP 401");
    await expectAccessible(page, "providers-02-refused-key");

    await keyInput.fill(WS_KEY);
    await dialog.getByRole("button", { name: "Test and save" }).click();
    await dialog.waitFor({ state: "detached" });
    const hint = `${WS_KEY.slice(0, 7)}…${WS_KEY.slice(-4)}`;
    await card.getByText("Your key", { exact: true }).waitFor();
    expect(await card.locator("[data-key-hint]").innerText()).toBe(hint);
    expect(await page.locator("body").innerText()).not.toContain(WS_KEY);
    // What the server stored: the workspace's key (masked) and the models its server listed.
    type Catalogue = {
      providers: { id: string; source: string | null; keyHint: string | null; models: { id: string }[] }[];
    };
    const saved = (
      await apiAs<Catalogue>(d, usageOwner, "GET", `/api/v1/workspaces/${ws}/providers`)
    ).providers.find((p) => p.id === "openai-compatible");
    expect(saved).toMatchObject({ source: "workspace", keyHint: hint });
    expect(saved?.models.map((m) => m.id)).toEqual(["llama-3.1-8b", "qwen-2.5"]);
    await card.getByText("Models and prices (2)").click();
    await card.getByRole("rowheader", { name: "qwen-2.5" }).waitFor();

    await card.getByRole("button", { name: /Remove/ }).click();
    const confirm = page.getByRole("alertdialog", { name: /Remove your OpenAI-compatible server/ });
    await expectAccessible(page, "providers-03-confirm-remove");
    await confirm.getByRole("button", { name: "Remove key" }).click();
    await card.getByText("Not set up", { exact: true }).waitFor();
    const after = (
      await apiAs<Catalogue>(d, usageOwner, "GET", `/api/v1/workspaces/${ws}/providers`)
    ).providers.find((p) => p.id === "openai-compatible");
    expect(after?.source).toBeNull();

    expect(errors).toEqual([]);
    await context.close();
  });

  it("billing: explains when payments are off; upgrade through Stripe checkout, manage, downgrade at period end", async () => {
    const { context, page, errors } = await openPage(d);
    billingOwner = await signedInOwner(d, context, { workspace: "Acme Tea" });
    await fakeStripePages(context);
    const ws = billingOwner.workspaceId;
    const billingUrl = `${d.base}/w/${ws}/billing`;

    // The same server without a payment provider: the page says so and offers no dead buttons.
    const billingConfig = d.t.config.billing as { stripe?: unknown };
    const stripeSettings = billingConfig.stripe;
    billingConfig.stripe = undefined;
    try {
      await page.goto(billingUrl);
      await heading(page, "Billing");
      await page.getByRole("heading", { name: "Online payment is not set up on this server" }).waitFor();
      expect(await page.getByRole("button", { name: /^Choose / }).count()).toBe(0);
      await expectAccessible(page, "billing-01-no-provider");
    } finally {
      billingConfig.stripe = stripeSettings;
    }

    await page.reload();
    await page.getByRole("heading", { name: "Free plan" }).waitFor();
    expect(await page.locator("[data-meter]").innerText()).toBe("0 of 250");
    expect(await page.getByRole("progressbar", { name: "AI replies" }).getAttribute("aria-valuemax")).toBe(
      "250",
    );
    const pro = page.getByRole("group", { name: "Pro", exact: true });
    expect(await pro.locator("[data-price]").innerText()).toBe("$49");
    await expectAccessible(page, "billing-02-free");
    await page.getByRole("button", { name: "Yearly" }).click();
    expect(await pro.getByText("Save 20% compared with monthly").count()).toBe(1);
    await page.getByRole("button", { name: "Monthly" }).click();

    // Upgrade: the browser goes to the checkout page Stripe made for this workspace.
    await pro.getByRole("button", { name: "Choose Pro" }).click();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const [created] = stripe.calls("POST", "/v1/checkout/sessions").slice(-1);
    expect(created?.body).toMatchObject({
      mode: "subscription",
      metadata: { workspaceId: ws, planId: "pro", interval: "monthly" },
      success_url: `${d.base}/workspaces/${ws}/billing?checkout=success`,
      cancel_url: `${d.base}/workspaces/${ws}/billing?checkout=canceled`,
    });

    // The customer pays; Stripe tells the server, then sends the browser back.
    const { session, subscription } = stripe.completeCheckout(sessionIdFromUrl(page.url()));
    expect(
      (await deliverStripeEvent(d.t.app, stripeEvent("checkout.session.completed", session))).statusCode,
    ).toBe(200);
    await deliverStripeEvent(d.t.app, stripeEvent("customer.subscription.created", subscription));
    await page.goto(String(created?.body.success_url));
    // (toasts are also copied into a live region for screen readers: the first is the visible one)
    await page.getByText("Thank you! Your payment went through").first().waitFor();
    await page.waitForURL(billingUrl);
    await page.getByRole("heading", { name: "Pro plan" }).waitFor();
    expect(await page.locator("[data-subscription-status]").innerText()).toBe("Active");
    await page.getByText(/^Renews on /).waitFor();
    expect(await page.locator("[data-meter]").innerText()).toBe("0 of 10,000");
    await pro.getByText("Your current plan").waitFor();
    await expectAccessible(page, "billing-03-pro");

    // Manage billing: the provider's portal for this customer.
    await page.getByRole("button", { name: "Manage billing" }).click();
    await page.waitForURL(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    expect(stripe.calls("POST", "/v1/billing_portal/sessions").at(-1)?.body).toMatchObject({
      return_url: `${d.base}/workspaces/${ws}/billing`,
    });

    // Back without paying: nothing charged, said so.
    await page.goto(`${billingUrl}?checkout=canceled`);
    await page.getByText("Checkout canceled. Nothing was charged.").first().waitFor();

    // Downgrade: takes effect at period end, after a confirmation that says so.
    const updatesBefore = stripe.calls("POST", /^\/v1\/subscriptions\/sub_/).length;
    await page
      .getByRole("group", { name: "Starter", exact: true })
      .getByRole("button", { name: "Switch to Starter" })
      .click();
    const ask = page.getByRole("alertdialog", { name: "Switch to Starter?" });
    expect(await ask.innerText()).toContain("This takes effect at the end of the current period");
    await expectAccessible(page, "billing-04-downgrade-confirm");
    await ask.getByRole("button", { name: "Switch at period end" }).click();
    await page
      .getByText(/Starter takes effect at the end of the period/)
      .first()
      .waitFor();
    expect(stripe.calls("POST", /^\/v1\/subscriptions\/sub_/).length).toBe(updatesBefore + 1);

    expect(errors).toEqual([]);
    await context.close();
  });

  it("reads in Thai and Russian (at phone width) with no untranslated keys", async () => {
    const th = await openPage(d, { locale: "th-TH" });
    await asOwner(th.context, billingOwner, "th");
    const ws = billingOwner.workspaceId;
    await th.page.goto(`${d.base}/w/${ws}/billing`);
    await heading(th.page, "การชำระเงิน");
    await th.page.getByRole("heading", { name: "แพ็กเกจ Pro" }).waitFor();
    // Prices in baht, and PromptPay, a Thai way to pay.
    await th.page.getByLabel("สกุลเงิน").selectOption("THB");
    await th.page.getByLabel("ชำระด้วยพร้อมเพย์ (QR โค้ด)").waitFor();
    expect(
      await th.page.getByRole("group", { name: "Starter", exact: true }).locator("[data-price]").innerText(),
    ).toMatch(/690/);
    await expectTranslated(th.page);
    await expectAccessible(th.page, "billing-th");
    await th.page.goto(`${d.base}/w/${ws}/usage`);
    await heading(th.page, "การใช้งาน");
    await th.page.getByRole("heading", { name: "ยังไม่มีคำตอบในช่วงเวลานี้" }).waitFor();
    await expectTranslated(th.page);
    await th.page.goto(`${d.base}/w/${ws}/providers`);
    await heading(th.page, "ผู้ให้บริการ AI");
    await th.page.getByText("แพลตฟอร์มจัดให้").first().waitFor();
    await expectTranslated(th.page);
    await expectAccessible(th.page, "providers-th");
    expect(th.errors).toEqual([]);
    await th.context.close();

    const ru = await openPage(d, { locale: "ru-RU", viewport: { width: 390, height: 844 } });
    await asOwner(ru.context, usageOwner, "ru");
    const uws = usageOwner.workspaceId;
    await ru.page.goto(`${d.base}/w/${uws}/usage`);
    await heading(ru.page, "Расход");
    await ru.page.locator(".recharts-surface").nth(2).waitFor();
    expect(await ru.page.locator("[data-total=replies]").innerText()).toBe("3");
    await expectTranslated(ru.page);
    await expectAccessible(ru.page, "usage-ru-390");
    await ru.page.goto(`${d.base}/w/${uws}/billing`);
    await heading(ru.page, "Оплата");
    await ru.page.getByRole("heading", { name: "Тариф «Free»" }).waitFor();
    expect(await ru.page.locator("[data-meter]").innerText()).toMatch(/^1 из 250$/);
    await expectTranslated(ru.page);
    await expectAccessible(ru.page, "billing-ru-390");
    await ru.page.goto(`${d.base}/w/${uws}/providers`);
    await heading(ru.page, "ИИ-провайдеры");
    await expectTranslated(ru.page);
    await expectAccessible(ru.page, "providers-ru-390");
    // Nothing wider than the phone's screen.
    expect(await ru.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(ru.errors).toEqual([]);
    await ru.context.close();
  }, 60_000);
});
