import type { TAgent } from "@minichat/contracts";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiAs,
  type Dashboard,
  expectAccessible,
  expectTranslated,
  heading,
  openPage,
  signedInOwner,
  startDashboard,
} from "./browser-helpers.ts";

// The agent editor in Chromium against the real server: an owner fills every section, saves,
// reloads and the API shows what the server stored; a custom action with a secret header; the
// widget's live preview (the real widget.js) follows the colour and name being typed; the
// snippet reaches the clipboard; bad values are shown by their fields (the browser's zod check
// and the server's refusal); the editor reads in Thai and Russian, also at 390 px.

let d: Dashboard;

beforeAll(async () => {
  // The action's host is allowed without DNS, as an operator would allow an internal service.
  d = await startDashboard({ env: { ALLOW_PRIVATE_URLS: "orders.acme.test" } });
}, 180_000);

afterAll(async () => {
  await d?.close();
});

/** A toast (its text is also read out by a live region, hence exact and first). */
const toastShown = (page: Page, text: string) => page.getByText(text, { exact: true }).first().waitFor();
const tab = (page: Page, name: string) => page.getByRole("tab", { name, exact: true }).click();
const confirmDialog = (page: Page, button: string) =>
  page.getByRole("alertdialog").getByRole("button", { name: button, exact: true }).click();

describe("agent editor", () => {
  it("fills every section, saves, reloads, and the server has it all", async () => {
    const { context, page, errors } = await openPage(d, { viewport: { width: 1440, height: 1000 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: d.base });
    const owner = await signedInOwner(d, context);
    const ws = `/api/v1/workspaces/${owner.workspaceId}`;

    await page.goto(`${d.base}/w/${owner.workspaceId}/agents/new`);
    await heading(page, "New agent");
    await page.getByLabel("Name").fill("Mia");
    await page.getByLabel("Instructions").fill("You are Mia from Acme Coffee.");
    await page.getByRole("button", { name: "Create agent" }).click();
    await heading(page, "Mia");
    const agentId = page.url().split("/").pop() as string;
    const path = `${ws}/agents/${agentId}`;

    // Basics: start from an example (it asks before replacing what is written).
    await page.getByText("Tips and examples for good instructions").click();
    await page.getByRole("button", { name: "Use the “Café or restaurant” example" }).click();
    await confirmDialog(page, "Replace");
    await page.getByRole("combobox", { name: "Reply language" }).selectOption("en");
    await page.getByText("You have unsaved changes").waitFor();
    await expectAccessible(page, "agent-editor-01-basics");

    // Model: the catalogue's built-in responder, creativity, length, a backup model.
    await tab(page, "AI model");
    const model = page.getByRole("combobox", { name: "AI model" });
    await expect.poll(() => model.isEnabled()).toBe(true);
    expect(await model.locator("option:checked").innerText()).toBe("Built-in responder (no AI model)");
    await page.getByRole("spinbutton", { name: "Creativity (temperature)" }).fill("0.6");
    await page.getByRole("spinbutton", { name: "Longest answer (tokens)" }).fill("600");
    await page.getByRole("combobox", { name: "Backup model" }).selectOption("builtin:builtin");
    await expectAccessible(page, "agent-editor-02-model");

    // Behaviour: greeting, suggested questions (add three, remove one), unknown answers, a quick answer.
    await tab(page, "Behaviour");
    await page.getByRole("textbox", { name: "Welcome message" }).fill("Hi! I'm Mia from Acme Coffee.");
    for (const q of ["When are you open?", "Do you deliver?", "Drop me"]) {
      await page.getByRole("button", { name: "Add a question" }).click();
      await page.keyboard.type(q); // the new row has the focus
    }
    await page.getByRole("button", { name: "Remove Suggested questions 3" }).click();
    await page.getByRole("radio", { name: /Offer a human/ }).check();
    await page.getByRole("button", { name: "Add a quick answer" }).click();
    await page.getByRole("textbox", { name: "Question", exact: true }).fill("Do you have oat milk?");
    await page.getByRole("textbox", { name: "Answer", exact: true }).fill("Yes, at no extra cost.");
    await expectAccessible(page, "agent-editor-03-behaviour");

    // Widget: live, an allowed website (first a bad one), colour, name, position.
    await tab(page, "Website widget");
    await page.getByRole("checkbox", { name: "Live on websites" }).check();
    await page.getByRole("button", { name: "Add a website" }).click();
    const origin = page.getByRole("textbox", { name: "Allowed websites 1" });
    await origin.fill("shop.example/menu");
    await page.getByRole("textbox", { name: "Main colour" }).fill("#aa3300");
    await page.getByRole("textbox", { name: "Name in the chat window" }).fill("Mia at Acme Coffee");
    await page.getByRole("combobox", { name: "Button position" }).selectOption("bottom-left");

    // The preview is the real widget with the unsaved settings.
    const preview = page.frameLocator('iframe[title="Preview of the chat widget"]');
    await expect
      .poll(
        () =>
          preview
            .locator(".p h2")
            .innerText({ timeout: 2000 })
            .catch(() => ""),
        { timeout: 15_000 },
      )
      .toBe("Mia at Acme Coffee");
    expect(await preview.locator("button.l").evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(
      "rgb(170, 51, 0)",
    );
    expect(await preview.locator("button.l").evaluate((b) => getComputedStyle(b).left)).toBe("20px");
    expect(await preview.locator(".p").innerText()).toContain("Hi! I'm Mia from Acme Coffee.");
    // Opening the preview's panel did not take the focus from the field last typed in.
    const displayName = page.getByRole("textbox", { name: "Name in the chat window" });
    expect(await displayName.evaluate((el) => el === document.activeElement)).toBe(true);

    // The browser runs the server's schema: the bad website is pointed at, nothing is sent.
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Enter a site address such as https://www.example.com").waitFor();
    expect(await origin.getAttribute("aria-invalid")).toBe("true");
    expect(await origin.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await apiAs<TAgent>(d, owner, "GET", path)).status).toBe("draft");
    await expectAccessible(page, "agent-editor-04-widget-error");

    await origin.fill("https://Shop.example");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("All changes saved").waitFor();
    await toastShown(page, "Changes saved");

    const saved = await apiAs<TAgent>(d, owner, "GET", path);
    expect(saved).toMatchObject({
      name: "Mia",
      language: "en",
      provider: "builtin",
      temperature: 0.6,
      maxTokens: 600,
      fallback: { provider: "builtin", model: "builtin" },
      welcomeMessage: "Hi! I'm Mia from Acme Coffee.",
      suggestedQuestions: ["When are you open?", "Do you deliver?"],
      quickAnswers: [{ question: "Do you have oat milk?", answer: "Yes, at no extra cost." }],
      unknownAnswerBehaviour: "offer-human",
      status: "live",
      allowedOrigins: ["https://shop.example"],
      widget: { color: "#aa3300", displayName: "Mia at Acme Coffee", position: "bottom-left" },
    });
    expect(saved.instructions).toContain("You are the host of our café.");

    // The snippet, copied to the clipboard.
    await page.getByRole("button", { name: "Copy snippet" }).click();
    await toastShown(page, "Snippet copied. Paste it into your website.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      `<script src="${d.base}/widget.js" data-agent="${saved.publicKey}" async></script>`,
    );

    // Identity verification: the secret is shown once.
    await page.getByRole("button", { name: "Create a secret" }).click();
    const secretDialog = page.getByRole("dialog", { name: "Your identity secret" });
    await secretDialog.waitFor();
    await expectAccessible(page, "agent-editor-05-identity-secret");
    expect((await secretDialog.locator("pre").first().innerText()).length).toBeGreaterThan(20);
    await secretDialog.getByRole("button", { name: "I have saved it" }).click();
    expect((await apiAs<TAgent>(d, owner, "GET", path)).identitySecretSet).toBe(true);

    // A new public key, after confirming; the snippet follows.
    await page.getByRole("button", { name: "Issue a new key" }).click();
    await confirmDialog(page, "Issue a new key");
    await toastShown(page, "New key issued. Update the snippet on your websites.");
    const rotated = await apiAs<TAgent>(d, owner, "GET", path);
    expect(rotated.publicKey).not.toBe(saved.publicKey);
    await page.getByText(`data-agent="${rotated.publicKey}"`).waitFor();

    // Actions: the browser's check, then the server's refusal of an internal address, by field.
    await tab(page, "Actions");
    await page.getByRole("heading", { name: "No actions yet" }).waitFor();
    await expectAccessible(page, "agent-editor-06-actions-empty");
    await page.getByRole("button", { name: "Add an action" }).click();
    const dialog = page.getByRole("dialog", { name: "New action" });
    await dialog.getByRole("textbox", { name: "Name", exact: true }).fill("Check Order");
    await dialog.getByRole("textbox", { name: "When to use it" }).fill("Looks up an order by its number.");
    await dialog.getByRole("combobox", { name: "Method" }).selectOption("GET");
    const url = dialog.getByRole("textbox", { name: "Web address (URL)" });
    await url.fill("not a url");
    await dialog.getByRole("button", { name: "Add action" }).click();
    await dialog.getByText("Use lower-case letters, digits and _").waitFor();
    await dialog.getByText("Enter a full web address starting with https://.").waitFor();
    await dialog.getByRole("textbox", { name: "Name", exact: true }).fill("check_order");
    await url.fill("http://127.0.0.1:9/orders");
    await dialog.getByRole("button", { name: "Add action" }).click();
    await dialog.getByText("This address cannot be used").waitFor();
    expect(await url.getAttribute("aria-invalid")).toBe("true");

    await url.fill("https://orders.acme.test/status");
    await dialog.getByRole("button", { name: "Add a detail" }).click();
    await dialog.getByRole("textbox", { name: "Name of detail 1" }).fill("order_id");
    await dialog.getByRole("textbox", { name: "Description of detail 1" }).fill("The order number");
    await dialog.getByRole("button", { name: "Add a header" }).click();
    await dialog.getByRole("textbox", { name: "Header 1 name" }).fill("Authorization");
    await dialog.getByLabel("Header 1 value").fill("Bearer s3cret");
    await dialog.getByRole("spinbutton", { name: "Time limit (seconds)" }).fill("5");
    await expectAccessible(page, "agent-editor-07-action-dialog");
    await dialog.getByRole("button", { name: "Add action" }).click();
    await toastShown(page, "Action check_order added");
    await page.getByText("Secret headers: Authorization").waitFor();

    const { actions } = await apiAs<{ actions: Record<string, unknown>[] }>(
      d,
      owner,
      "GET",
      `${path}/actions`,
    );
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      name: "check_order",
      method: "GET",
      url: "https://orders.acme.test/status",
      timeoutMs: 5000,
      headerNames: ["Authorization"],
      parameters: {
        type: "object",
        properties: { order_id: { type: "string", description: "The order number" } },
        required: ["order_id"],
      },
    });
    expect(JSON.stringify(actions)).not.toContain("s3cret");

    // Editing shows the header's name, never its value.
    await page.getByRole("button", { name: "Edit check_order" }).click();
    const edit = page.getByRole("dialog", { name: "Edit check_order" });
    await edit.getByText("Authorization:").waitFor();
    expect(await edit.innerText()).not.toContain("s3cret");
    await edit.getByRole("textbox", { name: "When to use it" }).fill("Finds an order by its number.");
    await edit.getByRole("checkbox", { name: "Action is on" }).uncheck();
    await edit.getByRole("button", { name: "Save", exact: true }).click();
    await toastShown(page, "Action check_order saved");
    await page.getByText("Off", { exact: true }).waitFor();
    const [changed] = (
      await apiAs<{ actions: Record<string, unknown>[] }>(d, owner, "GET", `${path}/actions`)
    ).actions;
    // The stored secret header was kept: an edit that does not re-enter headers leaves them.
    expect(changed).toMatchObject({
      description: "Finds an order by its number.",
      enabled: false,
      headerNames: ["Authorization"],
    });

    // After a reload the form shows what was stored.
    await page.reload();
    await heading(page, "Mia");
    await tab(page, "Behaviour");
    expect(await page.getByRole("textbox", { name: "Welcome message" }).inputValue()).toBe(
      "Hi! I'm Mia from Acme Coffee.",
    );
    expect(await page.getByRole("textbox", { name: "Suggested questions 2" }).inputValue()).toBe(
      "Do you deliver?",
    );
    expect(await page.getByRole("radio", { name: /Offer a human/ }).isChecked()).toBe(true);
    await tab(page, "Website widget");
    expect(await page.getByRole("textbox", { name: "Main colour" }).inputValue()).toBe("#aa3300");
    expect(await page.getByRole("textbox", { name: "Allowed websites 1" }).inputValue()).toBe(
      "https://shop.example",
    );
    expect(await page.getByRole("checkbox", { name: "Live on websites" }).isChecked()).toBe(true);
    await expectAccessible(page, "agent-editor-08-widget");

    // Leaving with unsaved edits asks first; staying keeps them.
    await tab(page, "Basics");
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("Mia 2");
    await page.getByRole("link", { name: "Agents" }).first().click();
    await page.getByRole("alertdialog", { name: "Leave without saving?" }).waitFor();
    await confirmDialog(page, "Cancel");
    expect(await page.getByRole("textbox", { name: "Name", exact: true }).inputValue()).toBe("Mia 2");
    await page.getByRole("button", { name: "Discard changes" }).click();
    await confirmDialog(page, "Discard changes");
    expect(await page.getByRole("textbox", { name: "Name", exact: true }).inputValue()).toBe("Mia");

    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("reads in Thai and Russian, fits 390 px, and deletes an agent after confirming", async () => {
    const th = await openPage(d, { locale: "th-TH" });
    const owner = await signedInOwner(d, th.context, { language: "th" });
    const ws = `/api/v1/workspaces/${owner.workspaceId}`;
    const agent = await apiAs<TAgent>(d, owner, "POST", `${ws}/agents`, {
      name: "Nok",
      welcomeMessage: "สวัสดีค่ะ",
      suggestedQuestions: ["ร้านเปิดกี่โมง"],
      quickAnswers: [{ question: "มีที่จอดรถไหม", answer: "มีค่ะ" }],
      allowedOrigins: ["https://shop.example"],
    });
    await apiAs(d, owner, "POST", `${ws}/agents/${agent.id}/actions`, {
      name: "check_order",
      description: "Looks up an order",
      url: "https://orders.acme.test/status",
      headers: { Authorization: "Bearer x" },
    });
    const url = `${d.base}/w/${owner.workspaceId}/agents/${agent.id}`;

    const tabs = {
      th: ["ข้อมูลหลัก", "โมเดล AI", "การตอบ", "แอ็กชัน", "วิดเจ็ตบนเว็บไซต์"],
      ru: ["Основное", "Модель ИИ", "Поведение", "Действия", "Виджет для сайта"],
    };
    await th.page.goto(url);
    await heading(th.page, "Nok");
    for (const name of tabs.th) {
      await tab(th.page, name);
      await th.page.getByRole("tabpanel").waitFor();
      await expectTranslated(th.page);
    }
    await expectAccessible(th.page, "agent-editor-09-widget-th");
    expect(th.errors).toEqual([]);
    await th.context.close();

    const ru = await openPage(d, { locale: "ru-RU", viewport: { width: 390, height: 844 } });
    const cookies = owner.cookie.split("; ").map((pair) => {
      const i = pair.indexOf("=");
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: d.base };
    });
    await ru.context.addCookies(cookies);
    await ru.context.addInitScript(() => localStorage.setItem("minichat.lang", "ru"));
    await ru.page.goto(url);
    await heading(ru.page, "Nok");
    for (const name of tabs.ru) {
      await tab(ru.page, name);
      await expectTranslated(ru.page);
    }
    // Nothing wider than the phone's screen.
    expect(await ru.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(ru.page, "agent-editor-10-widget-ru-390");
    await tab(ru.page, "Действия");
    await ru.page.getByText("Секретные заголовки: Authorization").waitFor();
    await tab(ru.page, "Основное");
    await expectAccessible(ru.page, "agent-editor-11-basics-ru-390");

    await ru.page.getByRole("button", { name: "Удалить агента" }).click();
    await ru.page.getByRole("alertdialog", { name: "Удалить Nok?" }).waitFor();
    await confirmDialog(ru.page, "Удалить навсегда");
    await heading(ru.page, "Агенты");
    await toastShown(ru.page, "Агент Nok удалён");
    await expect(apiAs(d, owner, "GET", `${ws}/agents/${agent.id}`)).rejects.toThrow(/404/);
    expect(ru.errors).toEqual([]);
    await ru.context.close();
  }, 120_000);
});
