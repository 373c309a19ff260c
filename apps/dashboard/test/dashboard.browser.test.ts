import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Dashboard,
  expectAccessible,
  expectTranslated,
  heading,
  openPage,
  startDashboard,
} from "./browser-helpers.ts";

// The first-run journey in Debian's Chromium against the real server on a fresh database: sign
// up, create a workspace and an agent, get a streamed answer in the test chat, then read the
// screens in Thai and Russian. axe-core runs on every screen; screenshots go to test-artifacts/.

let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard();
}, 180_000);

afterAll(async () => {
  await d?.close();
});

describe("dashboard: first run", () => {
  it("signs up, creates a workspace and an agent, chats, and reads in Thai and Russian", async () => {
    const { context, page, errors } = await openPage(d);

    await page.goto(d.base);
    await heading(page, "Sign in to MiniChat");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await expectAccessible(page, "01-sign-in");

    await page.getByRole("link", { name: "Create an account" }).click();
    await heading(page, "Create your account");
    await expectAccessible(page, "02-sign-up");
    await page.getByLabel("Your name").fill("Nok Owner");
    await page.getByLabel("Email").fill("nok@example.com");
    await page.getByLabel("Password").fill("correct horse battery staple");
    await page.getByRole("button", { name: "Create account" }).click();

    await heading(page, "Check your email");
    await expect(page.getByText("nok@example.com")).toBeTruthy();
    await expectAccessible(page, "03-verify-email");
    await page.getByRole("link", { name: "Continue" }).click();

    await heading(page, "Create a workspace");
    await expectAccessible(page, "04-create-workspace");
    await page.getByLabel("Workspace name").fill("Acme Coffee");
    await page.getByRole("button", { name: "Create workspace" }).click();

    await heading(page, "Agents");
    await page.getByRole("heading", { name: "No agents yet" }).waitFor();
    expect(page.url()).toMatch(/\/w\/ws_[0-9a-z]{20}\/agents$/);
    await expectAccessible(page, "05-agents-empty");

    await page.getByRole("link", { name: "New agent" }).first().click();
    await heading(page, "New agent");
    await expectAccessible(page, "06-new-agent");
    await page.getByLabel("Name").fill("Mia");
    await page.getByLabel("Instructions").fill("You are Mia from Acme Coffee. Be brief.");
    await page.getByRole("button", { name: "Create agent" }).click();

    await heading(page, "Mia");
    expect(page.url()).toMatch(/\/agents\/agt_[0-9a-z]{20}$/);
    await page.getByLabel("Type a question…").fill("What are your opening hours?");
    await page.getByRole("button", { name: "Send" }).click();
    const answer = page.locator("[data-role=assistant]").first();
    await page.getByRole("definition").filter({ hasText: "Built-in responder" }).waitFor({ timeout: 15_000 });
    expect((await answer.innerText()).trim().length).toBeGreaterThan(0);
    expect(await page.getByText("Tokens").count()).toBeGreaterThan(0);
    await expectAccessible(page, "07-test-chat");

    // Settings: switch to Thai, then Russian; the choice is kept across a reload.
    await page.getByRole("link", { name: "Settings" }).click();
    await heading(page, "Settings");
    await expectAccessible(page, "08-settings");
    await page.getByLabel("Language", { exact: true }).selectOption("th");
    await heading(page, "การตั้งค่า");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("th");
    await expectTranslated(page);
    await expectAccessible(page, "09-settings-th");
    await page.getByRole("link", { name: "เอเจนต์" }).click();
    await heading(page, "เอเจนต์");
    await page.getByText("Mia").waitFor();
    await expectTranslated(page);
    await expectAccessible(page, "10-agents-th");

    await page.getByRole("link", { name: "การตั้งค่า" }).click();
    await page.getByLabel("ภาษา", { exact: true }).selectOption("ru");
    await heading(page, "Настройки");
    await page.reload();
    await heading(page, "Настройки");
    await expectTranslated(page);
    await expectAccessible(page, "11-settings-ru");
    await page.getByRole("link", { name: "Агенты" }).click();
    await heading(page, "Агенты");
    await expectTranslated(page);
    await page.getByRole("link", { name: "База знаний" }).click();
    await heading(page, "База знаний");
    await expectTranslated(page);
    await expectAccessible(page, "12-coming-soon-ru");

    // Sign out, then back in (in Russian, the kept language).
    await page.getByRole("button", { name: "Выйти" }).click();
    await heading(page, "Вход в MiniChat");
    await expectTranslated(page);
    await page.getByLabel("Почта").fill("nok@example.com");
    await page.getByLabel("Пароль").fill("correct horse battery staple");
    await page.getByRole("button", { name: "Войти" }).click();
    await heading(page, "Агенты");
    await page.getByText("Mia").waitFor();

    expect(errors).toEqual([]);
    await context.close();
  });
});
