import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
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

// The leads screen against the real server on a fresh database. Leads are made as production
// makes them: visitors fill in the widget's contact form (the public widget API). The owner
// filters them, moves them through the pipeline (with the keyboard-friendly select), writes a
// note and downloads the CSV; the server's stored state is checked after each step.

let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard();
}, 180_000);

afterAll(async () => {
  await d?.close();
});

type Lead = { id: string; status: string; conversationId: string; notes: { body: string }[] };

/** A visitor on the agent's widget leaves their details in the contact form. */
async function visitorLeaves(publicKey: string, contact: { name: string; email: string; phone?: string }) {
  const start = await fetch(`${d.base}/api/v1/widget/${publicKey}/conversations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  expect(start.status, await start.clone().text()).toBe(201);
  const { conversationId, visitorToken } = (await start.json()) as {
    conversationId: string;
    visitorToken: string;
  };
  const res = await fetch(`${d.base}/api/v1/widget/conversations/${conversationId}/contact`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${visitorToken}` },
    body: JSON.stringify(contact),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

const leadsUrl = (o: Owner, rest = "") => `/api/v1/workspaces/${o.workspaceId}/leads${rest}`;
async function storedLead(o: Owner, email: string): Promise<Lead> {
  const list = await apiAs<{ leads: (Lead & { contact: { email: string } })[] }>(d, o, "GET", leadsUrl(o));
  const found = list.leads.find((l) => l.contact.email === email);
  if (!found) throw new Error(`no lead for ${email}`);
  return apiAs<Lead>(d, o, "GET", leadsUrl(o, `/${found.id}`));
}

async function download(page: Page, name: string | RegExp): Promise<string[]> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  expect(file.suggestedFilename()).toMatch(/^leads-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await readFile((await file.path())!, "utf8");
  return text
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
}

describe("leads", () => {
  it("filters, moves through the pipeline, takes notes and exports CSV", async () => {
    const { context, page, errors } = await openPage(d);
    page.setDefaultTimeout(10_000);
    const owner = await signedInOwner(d, context);

    await page.goto(`${d.base}/w/${owner.workspaceId}/leads`);
    await heading(page, "Leads");
    await page.getByRole("heading", { name: "No leads yet" }).waitFor();
    expect(await page.getByText("contact form in the website widget").count()).toBe(1);
    await expectAccessible(page, "leads-01-empty");

    const agent = await apiAs<{ publicKey: string }>(
      d,
      owner,
      "POST",
      `/api/v1/workspaces/${owner.workspaceId}/agents`,
      {
        name: "Mia",
        status: "live",
      },
    );
    await visitorLeaves(agent.publicKey, {
      name: "Jane Doe",
      email: "jane@example.com",
      phone: "+66 81 234 5678",
    });
    await visitorLeaves(agent.publicKey, { name: "สมชาย ใจดี", email: "somchai@example.co.th" });
    await visitorLeaves(agent.publicKey, { name: "Иван Петров", email: "ivan@example.ru" });

    // They arrive live (the workspace's socket), no reload needed.
    const rows = page.locator("tbody tr");
    await rows.nth(2).waitFor();
    expect(await rows.count()).toBe(3);
    expect(await rows.first().innerText()).toContain("Иван Петров"); // newest first
    expect(await rows.first().innerText()).toContain("Mia · Website widget");
    await expectAccessible(page, "leads-02-table");

    // Search narrows the table (the server searches name, email and phone).
    await page.getByLabel("Search").fill("81-234");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain("Jane Doe");
    await page.getByLabel("Search").fill("");
    await expect.poll(() => rows.count()).toBe(3);

    // An impossible date range is pointed out by the field.
    await page.getByLabel("Captured from").fill("2030-02-01");
    await page.getByLabel("Captured until").fill("2030-01-01");
    await page.getByText("The end date is before the start date.").waitFor();
    expect(await page.getByLabel("Captured until").getAttribute("aria-invalid")).toBe("true");
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await expect.poll(() => rows.count()).toBe(3);

    // The lead's panel: status, a note (an empty one is refused by the field), the conversation.
    await page.getByRole("button", { name: "Jane Doe" }).click();
    const dialog = page.getByRole("dialog", { name: "Jane Doe" });
    await dialog.waitFor();
    const jane = await storedLead(owner, "jane@example.com");
    expect(await dialog.getByRole("link", { name: "Open the conversation" }).getAttribute("href")).toBe(
      `/w/${owner.workspaceId}/inbox/${jane.conversationId}`,
    );
    await dialog.getByRole("button", { name: "Add note" }).click();
    await dialog.getByText("Write something first.").waitFor();
    await dialog.getByLabel("Add a note").fill("Called back, sending a quote on Monday <b>ok</b>");
    await dialog.getByRole("button", { name: "Add note" }).click();
    await dialog.getByText("Called back, sending a quote on Monday <b>ok</b>").waitFor(); // text, not HTML
    // A note written by mistake is deleted, after a confirmation.
    await dialog.getByLabel("Add a note").fill("Wrong lead, ignore");
    await dialog.getByRole("button", { name: "Add note" }).click();
    await dialog.getByText("Wrong lead, ignore").waitFor();
    await dialog.getByRole("button", { name: "Delete note" }).first().click();
    await page
      .getByRole("alertdialog", { name: "Delete this note?" })
      .getByRole("button", { name: "Delete" })
      .click();
    await dialog.getByText("Wrong lead, ignore").waitFor({ state: "detached" });
    await dialog.getByLabel("Status").selectOption("contacted");
    await page.getByText("Moved to “Contacted”", { exact: true }).waitFor();
    const janeAfter = await storedLead(owner, "jane@example.com");
    expect(janeAfter.status).toBe("contacted");
    expect(janeAfter.notes.map((n) => n.body)).toEqual(["Called back, sending a quote on Monday <b>ok</b>"]);
    await expectAccessible(page, "leads-03-detail");
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });

    // The pipeline: a column per status; the keyboard way to move a card is its select.
    await page.getByRole("button", { name: "Pipeline" }).click();
    const qualified = page.getByRole("region", { name: "Qualified" });
    await page.getByRole("region", { name: "Contacted" }).getByText("Jane Doe").waitFor();
    const move = page.getByLabel("Status of Иван Петров");
    await move.focus();
    await move.selectOption("qualified");
    await qualified.getByText("Иван Петров").waitFor();
    expect((await storedLead(owner, "ivan@example.ru")).status).toBe("qualified");
    await expectAccessible(page, "leads-04-pipeline");

    // CSV: the whole list, then only what the status filter shows.
    await page.getByRole("button", { name: "Table" }).click();
    const all = await download(page, "Export CSV");
    expect(all[0]).toBe(
      "lead_id,created_at,updated_at,status,name,email,phone,agent,conversation_id,visitor_note,latest_note",
    );
    expect(all).toHaveLength(4);
    expect(all.join("\n")).toContain("สมชาย ใจดี");
    await page.getByLabel("Status", { exact: true }).selectOption("contacted");
    await expect.poll(() => rows.count()).toBe(1);
    const contacted = await download(page, "Export CSV");
    expect(contacted).toHaveLength(2);
    expect(contacted[1]).toContain(`${jane.id},`);
    expect(contacted[1]).toContain(",contacted,Jane Doe,jane@example.com,'+66 81 234 5678,Mia,");
    expect(contacted[1]).toContain("Called back, sending a quote on Monday <b>ok</b>");

    expect(errors).toEqual([]);
    await context.close();

    // Thai on a phone, then Russian: no untranslated key, dates in the language.
    for (const [language, title, status] of [
      ["th", "ลีด", "ติดต่อแล้ว"],
      ["ru", "Лиды", "Связались"],
    ] as const) {
      const small = await openPage(d, { viewport: { width: 390, height: 844 } });
      await small.context.addCookies(
        owner.cookie.split("; ").map((pair) => {
          const i = pair.indexOf("=");
          return { name: pair.slice(0, i), value: pair.slice(i + 1), url: d.base };
        }),
      );
      await small.context.addInitScript((l) => localStorage.setItem("minichat.lang", l), language);
      await small.page.goto(`${d.base}/w/${owner.workspaceId}/leads`);
      await heading(small.page, title);
      await small.page.locator("tbody").getByText(status).waitFor();
      await expectTranslated(small.page);
      const width = await small.page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      await expectAccessible(small.page, `leads-05-${language}-390`);
      await small.page.getByRole("button", { name: "Jane Doe" }).click();
      await small.page.getByRole("dialog").waitFor();
      await expectTranslated(small.page);
      expect(small.errors).toEqual([]);
      await small.context.close();
    }
  }, 120_000);
});
