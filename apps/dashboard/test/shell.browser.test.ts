import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Dashboard,
  expectAccessible,
  expectTranslated,
  heading,
  openPage,
  signedInOwner,
  startDashboard,
} from "./browser-helpers.ts";

// The shell around every screen: the ⌘K command palette, the lost-connection banner, and the
// phone-width menu.

let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard();
}, 180_000);

afterAll(async () => {
  await d?.close();
});

describe("dashboard shell", () => {
  it("jumps anywhere from the command palette, by keyboard", async () => {
    const { context, page, errors } = await openPage(d);
    const owner = await signedInOwner(d, context);
    await page.goto(`${d.base}/w/${owner.workspaceId}/agents`);
    await heading(page, "Agents");

    await page.keyboard.press("Control+k");
    const input = page.getByPlaceholder("Type a command or a screen…");
    await input.waitFor();
    await expectAccessible(page, "shell-palette");
    await input.fill("usage");
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/w/${owner.workspaceId}/usage`);
    expect(new URL(page.url()).pathname).toBe(`/w/${owner.workspaceId}/usage`);

    // Actions too: switch the language from the palette (the button opens it as well).
    await page.getByRole("button", { name: "Search or jump to…" }).click();
    await page.getByPlaceholder("Type a command or a screen…").fill("Русский");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.documentElement.lang === "ru");
    await page.getByRole("button", { name: "Поиск и переход…" }).waitFor();
    await expectTranslated(page);
    await page.keyboard.press("Control+k");
    await page.getByPlaceholder("Введите команду или раздел…").fill("агента");
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/w/${owner.workspaceId}/agents/new`);

    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows a banner while the connection is lost and clears it when it is back", async () => {
    const { context, page, errors } = await openPage(d);
    const owner = await signedInOwner(d, context);
    await page.goto(`${d.base}/w/${owner.workspaceId}/agents`);
    await heading(page, "Agents");

    await context.setOffline(true);
    const banner = page.getByText("Connection to MiniChat lost. Reconnecting…");
    await banner.waitFor();
    await expectAccessible(page, "shell-offline");
    await context.setOffline(false);
    await banner.waitFor({ state: "detached", timeout: 20_000 });
    await page.getByText("Back online", { exact: true }).waitFor();

    expect(errors).toEqual([]);
    await context.close();
  });

  it("fits a phone: the menu opens from the header", async () => {
    const { context, page, errors } = await openPage(d, { viewport: { width: 390, height: 844 } });
    const owner = await signedInOwner(d, context, { language: "th" });
    await page.goto(`${d.base}/w/${owner.workspaceId}/agents`);
    await heading(page, "เอเจนต์");
    const nav = page.getByRole("navigation");
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole("button", { name: "เปิดเมนู" }).click();
    await nav.waitFor();
    await expectAccessible(page, "shell-phone-menu-th");
    // Nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    expect(errors).toEqual([]);
    await context.close();
  });
});
