import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TSource } from "@minichat/contracts";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

// The knowledge screen against the real server with its job workers (as `npm start` runs it), so
// ingestion happens in the background and the statuses change on screen by themselves: files
// dropped and picked from a temp dir, a refused file, Q&A, retrieval search, a knowledge gap
// answered, delete with a confirm, the agent choice kept, Thai and Russian, a phone width.

let d: Dashboard;
const dir = mkdtempSync(join(tmpdir(), "minichat-knowledge-"));
const files = {
  "menu.txt": "Our oat milk flat white costs 4 dollars. Almond milk is free of charge on every drink.",
  "hours.md": "# Opening hours\n\nWe open at 7am on weekdays and at 9am on Saturdays and Sundays.",
  "prices.csv": "Product,Price\nEspresso beans 1 kg,24\nDecaf beans 500 g,14\n",
  // Named like a PDF, but text: the server reads the content and refuses it.
  "brochure.pdf": "This is not really a PDF document at all.",
};
for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);

beforeAll(async () => {
  d = await startDashboard({ jobs: true });
}, 180_000);

afterAll(async () => {
  await d?.close();
});

const knowledgeUrl = (o: Owner) => `${d.base}/w/${o.workspaceId}/knowledge`;
const sourcesApi = (o: Owner, agentId: string) =>
  `/api/v1/workspaces/${o.workspaceId}/agents/${agentId}/sources`;

/** Drops files from the temp dir onto the drop zone, as a drag from the desktop does. */
async function dropFiles(page: Page, names: string[]) {
  const payload = names.map((name) => ({ name, content: readFileSync(join(dir, name), "utf8") }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.content], f.name, { type: "" }));
    return dt;
  }, payload);
  await page.dispatchEvent("[data-testid=dropzone]", "dragover", { dataTransfer });
  await page.dispatchEvent("[data-testid=dropzone]", "drop", { dataTransfer });
}

/** Another browser context signed in as the same owner, in a given language and size. */
async function sameOwner(
  owner: Owner,
  opts: { language: string; viewport?: { width: number; height: number } },
) {
  const opened = await openPage(d, opts.viewport ? { viewport: opts.viewport } : {});
  await opened.context.addCookies(
    owner.cookie.split("; ").map((pair) => {
      const i = pair.indexOf("=");
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: d.base };
    }),
  );
  await opened.context.addInitScript((l) => localStorage.setItem("minichat.lang", l), opts.language);
  return opened;
}

async function chat(owner: Owner, agentId: string, message: string) {
  const res = await fetch(`${d.base}/api/v1/workspaces/${owner.workspaceId}/agents/${agentId}/chat`, {
    method: "POST",
    headers: { origin: d.base, cookie: owner.cookie, "content-type": "application/json" },
    body: JSON.stringify({ message }),
  });
  expect(res.status).toBe(200);
  await res.text();
}

describe("knowledge screen", () => {
  it("without agents, says to create one first", async () => {
    const { context, page, errors } = await openPage(d);
    const owner = await signedInOwner(d, context);
    await page.goto(knowledgeUrl(owner));
    await heading(page, "Knowledge");
    await page.getByRole("heading", { name: "Create an agent first" }).waitFor();
    const link = page.getByRole("link", { name: "New agent" }).last();
    expect(await link.getAttribute("href")).toBe(`/w/${owner.workspaceId}/agents/new`);
    await expectAccessible(page, "knowledge-01-no-agents");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("uploads, adds Q&A, searches, answers a gap and deletes, live; in Thai, Russian and on a phone", async () => {
    const { context, page, errors } = await openPage(d);
    const owner = await signedInOwner(d, context);
    const agentsUrl = `/api/v1/workspaces/${owner.workspaceId}/agents`;
    await apiAs(d, owner, "POST", agentsUrl, { name: "Mia", provider: "builtin" });
    const leo = await apiAs<{ id: string }>(d, owner, "POST", agentsUrl, {
      name: "Leo",
      provider: "builtin",
    });
    // A visitor question the (still empty) knowledge cannot answer: a gap.
    await chat(owner, leo.id, "Do you sell gift cards?");

    await page.goto(knowledgeUrl(owner));
    await heading(page, "Knowledge");
    await page.getByLabel("Agent", { exact: true }).selectOption({ label: "Leo" });
    await page.getByRole("heading", { name: "No knowledge yet" }).waitFor();
    await page.getByText("up to 10 MB each").waitFor(); // the limits, before any upload
    await expectAccessible(page, "knowledge-02-empty");

    // Two files dropped at once: each has its own progress bar, then its status turns ready.
    await dropFiles(page, ["menu.txt", "hours.md"]);
    for (const name of ["menu.txt", "hours.md"]) {
      const bar = page.getByRole("progressbar", { name: `Upload progress of ${name}` });
      await bar.waitFor();
      await page.waitForFunction(
        (n) =>
          document.querySelector(`[data-upload="${n}"] [role=progressbar]`)?.getAttribute("aria-valuenow") ===
          "100",
        name,
      );
      await page.locator(`[data-upload="${name}"] [data-status=ready]`).waitFor({ timeout: 20_000 });
    }
    // The keyboard way: the button opens the file chooser. A good CSV and a fake PDF.
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Choose files" }).focus();
    await page.keyboard.press("Enter");
    await (await chooser).setFiles([join(dir, "prices.csv"), join(dir, "brochure.pdf")]);
    const refused = page.locator('[data-upload="brochure.pdf"] [role=alert]');
    await refused.waitFor();
    expect(await refused.innerText()).toContain("This type of file can't be read");
    expect(await refused.innerText()).toContain("its content is not a PDF file"); // the server's reason
    await page.locator('[data-upload="prices.csv"] [data-status=ready]').waitFor({ timeout: 20_000 });
    const list = page.getByRole("list", { name: "Sources" });
    for (const name of ["menu.txt", "hours.md", "prices.csv"]) {
      await list.locator("li", { hasText: name }).locator("[data-status=ready]").waitFor();
    }
    expect(await list.locator("li").count()).toBe(3);
    await expectAccessible(page, "knowledge-03-uploaded");

    // Bad input: empty text is caught by the form; a private address is refused by the server,
    // and the reason is shown by the URL field.
    await page.getByRole("tab", { name: "Text" }).click();
    await page.getByRole("button", { name: "Add text" }).click();
    await page.getByText("This field is required.").first().waitFor();
    expect(await page.getByLabel("Title").getAttribute("aria-invalid")).toBe("true");
    await page.getByRole("tab", { name: "Website" }).click();
    await page.getByLabel("Web address").fill("http://127.0.0.1:9/admin");
    await page.getByRole("button", { name: "Add website" }).click();
    await page.getByText("This address points to a private or internal network").waitFor();
    expect(await page.getByLabel("Web address").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "knowledge-04-website-error");

    // A Q&A pair.
    await page.getByRole("tab", { name: "Q&A" }).click();
    await page.getByLabel("Question", { exact: true }).fill("Is there parking?");
    await page.getByLabel("Answer", { exact: true }).fill("Ten free spots behind the shop.");
    await page.getByRole("button", { name: "Save Q&A" }).click();
    await list
      .locator("li", { hasText: "Is there parking?" })
      .locator("[data-status=ready]")
      .waitFor({ timeout: 20_000 });

    // What the agent retrieves: a passage from the uploaded file, with its source and score.
    await page.getByLabel("A customer's question").fill("How much is the oat milk flat white?");
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
    const passage = page.locator("[data-passage]").first();
    await passage.waitFor();
    expect(await passage.innerText()).toContain("oat milk flat white costs 4 dollars");
    expect(await passage.innerText()).toContain("menu.txt");
    expect(await passage.innerText()).toMatch(/match \d+%/);
    await expectAccessible(page, "knowledge-05-search");

    // The gap, answered as a Q&A pair: it leaves the list and the server has the pair.
    const gap = page.locator("li", { hasText: "Do you sell gift cards?" });
    await gap.getByRole("button", { name: "Answer" }).click();
    const dialog = page.getByRole("dialog", { name: "Answer this question" });
    await dialog
      .getByLabel("Answer", { exact: true })
      .fill("Yes, gift cards from 10 dollars at the counter.");
    await expectAccessible(page, "knowledge-06-answer-gap");
    await dialog.getByRole("button", { name: "Save answer" }).click();
    await page.getByText("No unanswered questions.").waitFor();
    const stored = await apiAs<{ sources: TSource[] }>(d, owner, "GET", sourcesApi(owner, leo.id));
    expect(stored.sources.map((s) => s.name).sort()).toEqual(
      ["Do you sell gift cards?", "Is there parking?", "hours.md", "menu.txt", "prices.csv"].sort(),
    );

    // Delete asks first; the source goes from the screen and the server.
    await page.getByRole("button", { name: "Delete hours.md" }).click();
    await page.getByRole("alertdialog").waitFor();
    await expectAccessible(page, "knowledge-07-confirm-delete");
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
    await list.locator("li", { hasText: "hours.md" }).waitFor({ state: "detached" });
    const after = await apiAs<{ sources: TSource[] }>(d, owner, "GET", sourcesApi(owner, leo.id));
    expect(after.sources.map((s) => s.name)).not.toContain("hours.md");

    // Re-index: it goes through the statuses again and ends ready.
    const readyAt = () => after.sources.find((s) => s.name === "menu.txt")?.readyAt;
    const firstReady = readyAt();
    await page.getByRole("button", { name: "Re-index menu.txt" }).click();
    await page.getByText("Re-indexing “menu.txt”…").first().waitFor();
    await list
      .locator("li", { hasText: "menu.txt" })
      .locator("[data-status=ready]")
      .waitFor({ timeout: 20_000 });

    after.sources = (await apiAs<{ sources: TSource[] }>(d, owner, "GET", sourcesApi(owner, leo.id))).sources;
    expect(readyAt()! > firstReady!).toBe(true);

    // The agent choice is kept.
    await page.reload();
    await heading(page, "Knowledge");
    expect(await page.getByLabel("Agent", { exact: true }).inputValue()).toBe(leo.id);
    expect(errors).toEqual([]);
    await context.close();

    for (const [language, h1, ready] of [
      ["th", "ฐานความรู้", "พร้อมใช้"],
      ["ru", "База знаний", "Готово"],
    ] as const) {
      const other = await sameOwner(owner, { language });
      await other.page.goto(knowledgeUrl(owner));
      await heading(other.page, h1);
      await other.page.getByText(ready).first().waitFor();
      await expectTranslated(other.page);
      await expectAccessible(other.page, `knowledge-08-${language}`);
      expect(other.errors).toEqual([]);
      await other.context.close();
    }

    const phone: { context: BrowserContext; page: Page; errors: string[] } = await sameOwner(owner, {
      language: "ru",
      viewport: { width: 390, height: 844 },
    });
    await phone.page.goto(knowledgeUrl(owner));
    await heading(phone.page, "База знаний");
    await phone.page.getByText("Готово").first().waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(phone.page, "knowledge-09-phone-390");
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  }, 120_000);
});
