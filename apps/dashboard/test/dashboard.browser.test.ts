import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TFunction } from "i18next";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Dashboard,
  expectAccessible,
  expectTranslated,
  heading,
  openPage,
  startDashboard,
} from "./browser-helpers.ts";
import { type Lang, translator } from "./translator.ts";

// The first-run journey of issue 6, in Debian's Chromium against a real server on a fresh
// install (PGlite, background jobs in-process, no email server, no AI keys) — once per language,
// with the browser set to that language and every label read from that language's strings:
// sign up → verify the email from the local outbox → create a workspace → create an agent → drop
// a file into its knowledge → ask the test chat (streamed, cited, tokens/time/cost) → make the
// widget live on a website and copy its snippet → a visitor on that website (another origin)
// asks → the conversation arrives in the inbox → the owner takes over and replies → the visitor
// sees it → leads, team, API keys, AI providers, usage, billing and settings open translated.
// axe-core runs on every screen; screenshots go to test-artifacts/.

const LOCALES: Record<Lang, string> = { en: "en-US", th: "th-TH", ru: "ru-RU" };
const CONTENT: Record<Lang, { file: string; question: string; reply: string }> = {
  en: {
    file: "# Opening hours\n\nAcme Coffee is open every day from 8:00 to 18:00. Oat milk costs nothing extra.\n",
    question: "What are your opening hours?",
    reply: "Hello! Nok here from the team.",
  },
  th: {
    file: "# เวลาเปิดทำการ\n\nร้านกาแฟแอคมีเปิดทุกวัน เวลา 8:00 ถึง 18:00 น. นมโอ๊ตไม่คิดเงินเพิ่ม\n",
    question: "ร้านเปิดเวลาทำการกี่โมง",
    reply: "สวัสดีค่ะ นกจากทีมงานนะคะ",
  },
  ru: {
    file: "# Часы работы\n\nКофейня «Акме» открыта каждый день с 8:00 до 18:00. Овсяное молоко без доплаты.\n",
    question: "Какие у вас часы работы?",
    reply: "Здравствуйте! Это Нок из команды.",
  },
};

/** A shop's website on another origin, with the snippet the owner copied. */
type Host = { server: Server; url: string; snippet: string };
async function hostPage(): Promise<Host> {
  const host = { snippet: "" } as Host;
  host.server = createServer((_req, res) => {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html><head><title>Acme Coffee</title></head>
<body><main><h1>Acme Coffee</h1><p>Fresh beans daily.</p></main>${host.snippet}</body></html>`);
  });
  await new Promise<void>((resolve) => host.server.listen(0, "localhost", resolve));
  host.url = `http://localhost:${(host.server.address() as AddressInfo).port}/`;
  return host;
}

/** The visitor's side: the real widget (its own Chromium tests live in apps/widget/test). */
async function askWidget(page: Page, question: string) {
  const launcher = page.locator("[data-minichat] button.l");
  await launcher.waitFor({ state: "visible", timeout: 15_000 });
  await launcher.click();
  await page.locator("#mc-panel textarea").waitFor({ state: "visible", timeout: 15_000 });
  await page.locator("#mc-panel textarea").fill(question);
  await page.keyboard.press("Enter");
}

async function screen(page: Page, name: string) {
  await expectTranslated(page);
  await expectAccessible(page, name);
}

async function dropFile(page: Page, name: string, content: string) {
  const dataTransfer = await page.evaluateHandle(
    ([n, c]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([c], n, { type: "text/markdown" }));
      return dt;
    },
    [name, content] as const,
  );
  await page.dispatchEvent("[data-testid=dropzone]", "dragover", { dataTransfer });
  await page.dispatchEvent("[data-testid=dropzone]", "drop", { dataTransfer });
}

describe.each(["en", "th", "ru"] as const)("dashboard: the first run, in %s", (lang) => {
  let d: Dashboard;
  let host: Host | undefined;
  let T: TFunction;

  beforeAll(async () => {
    T = await translator(lang);
    d = await startDashboard({ jobs: true });
  }, 180_000);

  afterAll(async () => {
    host?.server.close();
    await d?.close();
  });

  it("signs up, builds an agent with knowledge, puts it on a website, and answers a visitor in person", async () => {
    const c = CONTENT[lang];
    const { context, page, errors } = await openPage(d, { locale: LOCALES[lang] });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: d.base });
    const tag = `${lang}-`;

    // ── Sign up, verify, workspace ───────────────────────────────────────────────────────────
    await page.goto(d.base);
    await heading(page, T("auth.signIn.title"));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
    await screen(page, `${tag}01-sign-in`);
    await page.getByRole("link", { name: T("auth.signIn.signUpLink") }).click();
    await heading(page, T("auth.signUp.title"));
    await screen(page, `${tag}02-sign-up`);
    await page.getByLabel(T("auth.name")).fill("Nok Owner");
    await page.getByLabel(T("auth.email")).fill(`nok-${lang}@example.com`);
    await page.getByLabel(T("auth.password"), { exact: true }).fill("correct horse battery staple");
    await page.getByRole("button", { name: T("auth.signUp.submit") }).click();

    await heading(page, T("auth.verify.title"));
    // No email server on a laptop: the first account (the platform admin) sees the email here.
    const open = page.getByRole("link", { name: T("account:localOutbox.open") });
    await open.waitFor({ timeout: 15_000 });
    await screen(page, `${tag}03-verify-email`);
    await open.click();
    await heading(page, T("workspaces.create.title"));
    const session = await page.evaluate(() => fetch("/api/auth/get-session").then((r) => r.json()));
    expect(session.user.emailVerified).toBe(true);
    await screen(page, `${tag}04-create-workspace`);
    await page.getByLabel(T("workspaces.name")).fill("Acme Coffee");
    await page.getByRole("button", { name: T("workspaces.create.submit") }).click();

    // ── An agent ────────────────────────────────────────────────────────────────────────────
    await heading(page, T("agents.title"));
    await page.getByRole("heading", { name: T("agents.empty.title") }).waitFor();
    const workspaceId = new URL(page.url()).pathname.split("/")[2]!;
    await screen(page, `${tag}05-agents-empty`);
    await page
      .getByRole("link", { name: T("agents.new") })
      .first()
      .click();
    await heading(page, T("agents.form.createTitle"));
    await screen(page, `${tag}06-new-agent`);
    await page.getByLabel(T("agents.form.name")).fill("Mia");
    await page.getByLabel(T("agents.form.instructions")).fill("You are Mia from Acme Coffee. Be brief.");
    await page.getByRole("button", { name: T("agents.form.create") }).click();
    await heading(page, "Mia");
    const agentPath = new URL(page.url()).pathname;

    // ── Knowledge by drag and drop ──────────────────────────────────────────────────────────
    await page.getByRole("link", { name: T("nav.knowledge") }).click();
    await heading(page, T("nav.knowledge"));
    await dropFile(page, "hours.md", c.file);
    await page
      .getByRole("progressbar", { name: T("knowledge:upload.progress", { name: "hours.md" }) })
      .waitFor();
    await page.getByText(T("knowledge:status.ready"), { exact: true }).first().waitFor({ timeout: 30_000 });
    await screen(page, `${tag}07-knowledge`);

    // ── The test chat answers from it ───────────────────────────────────────────────────────
    await page.goto(`${d.base}${agentPath}`);
    await heading(page, "Mia");
    await page.getByLabel(T("chat.placeholder")).fill(c.question);
    await page.getByRole("button", { name: T("chat.send") }).click();
    const answer = page.locator("[data-role=assistant]").last();
    await answer.getByText("18:00").first().waitFor({ timeout: 20_000 });
    await page
      .getByText(T("chat.sources", { n: 1 }))
      .first()
      .waitFor();
    for (const term of [T("chat.tokens"), T("chat.latency"), T("chat.cost")]) {
      await page.getByRole("term").filter({ hasText: term }).first().waitFor();
    }
    await screen(page, `${tag}08-test-chat`);

    // ── Live on a website: allowed origin, snippet copied, preview ──────────────────────────
    const originField = () =>
      page.getByRole("textbox", {
        name: T("agents:editor.list.item", { label: T("agents:editor.widget.origins"), n: 1 }),
      });
    host = await hostPage();
    const origin = new URL(host.url).origin;
    await page.getByRole("tab", { name: T("agents:editor.tabs.widget") }).click();
    await page.getByRole("checkbox", { name: T("agents:editor.widget.live") }).check();
    await page.getByRole("button", { name: T("agents:editor.widget.addOrigin") }).click();
    await originField().fill(origin);
    await page.getByRole("button", { name: T("agents:editor.save") }).click();
    await page.getByText(T("agents:editor.allSaved")).waitFor();
    await page.getByRole("button", { name: T("agents:editor.embed.copy") }).click();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toMatch(
      /^<script src="http:\/\/127\.0\.0\.1:\d+\/widget\.js" data-agent="[^"]+" async><\/script>$/,
    );
    await screen(page, `${tag}09-widget-settings`);
    host.snippet = snippet; // the owner pastes it into the website

    // ── The inbox, open before the visitor writes ───────────────────────────────────────────
    await page.getByRole("link", { name: T("nav.inbox") }).click();
    await heading(page, T("inbox:title"));
    // The test chat's conversation is already there (every channel shows in the inbox).
    await page.locator("[data-conversation]").first().waitFor();
    await screen(page, `${tag}10-inbox`);

    // A visitor on the shop's website, in the same language.
    const visitorContext = await d.browser.newContext({ locale: LOCALES[lang] });
    const visitor = await visitorContext.newPage();
    await visitor.goto(host.url);
    await askWidget(visitor, c.question);
    await visitor.locator("#mc-panel").getByText("18:00").first().waitFor({ timeout: 20_000 });

    // It arrives without a reload; the owner takes over and replies.
    const row = page.locator("[data-conversation]").filter({ hasText: T("inbox:channel.widget") });
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page
      .getByRole("list", { name: T("inbox:transcript.label") })
      .getByText(c.question)
      .waitFor();
    await page.getByRole("button", { name: T("inbox:actions.takeover") }).click();
    await page.getByRole("button", { name: T("inbox:actions.handback") }).waitFor();
    await page.getByRole("textbox", { name: T("inbox:composer.placeholder") }).fill(c.reply);
    await page.getByRole("button", { name: T("inbox:composer.send"), exact: true }).click();
    await visitor.locator("#mc-panel").getByText(c.reply).waitFor({ timeout: 10_000 });
    await screen(page, `${tag}11-inbox-reply`);
    await visitorContext.close();

    // ── Every other screen reads naturally in this language ─────────────────────────────────
    const sections = ["leads", "team", "api-keys", "providers", "usage", "billing", "settings"] as const;
    for (const [i, section] of sections.entries()) {
      await page.getByRole("link", { name: T(`nav.${section}`) }).click();
      await page.waitForURL(`**/w/${workspaceId}/${section}`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await page
        .getByRole("status")
        .filter({ hasText: T("common.loading") })
        .waitFor({ state: "detached" });
      await screen(page, `${tag}${12 + i}-${section}`);
    }

    expect(errors).toEqual([]);
    await context.close();
  }, 150_000);
});
