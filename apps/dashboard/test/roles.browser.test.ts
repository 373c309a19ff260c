import type { BrowserContext } from "playwright-core";
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
import { translator } from "./translator.ts";

// What a role may not change, the screen does not offer: an operator invited through the API
// opens an agent and the knowledge screen and finds them read-only, with a note saying who can
// edit (the server refuses them anyway). The operator's account says Russian and this browser
// has no choice of its own, so the dashboard speaks Russian; a choice made here then wins.
// The language menu shown before a workspace exists saves the choice on the account.

let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard();
}, 180_000);

afterAll(async () => {
  await d?.close();
});

const PASSWORD = "correct horse battery staple";
const unique = (who: string) =>
  `${who}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

/** Signs someone up through the HTTP API (with the account's language) and returns the cookie. */
async function signUp(email: string, name: string, locale: string): Promise<string> {
  const res = await fetch(`${d.base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: d.base },
    body: JSON.stringify({ email, name, password: PASSWORD, locale }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function useCookie(context: BrowserContext, cookie: string) {
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const i = pair.indexOf("=");
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: d.base };
    }),
  );
}

async function accountLocale(cookie: string): Promise<string | undefined> {
  const session = await apiAs<{ user: { locale?: string } } | null>(
    d,
    { cookie },
    "GET",
    "/api/auth/get-session",
  );
  return session?.user.locale;
}

describe("roles and languages", () => {
  it("shows an operator the agent and its knowledge read-only, in the account's language", async () => {
    const ownerSide = await openPage(d);
    const owner = await signedInOwner(d, ownerSide.context);
    await ownerSide.context.close();
    const ws = `/api/v1/workspaces/${owner.workspaceId}`;
    const agent = await apiAs<{ id: string }>(d, owner, "POST", `${ws}/agents`, {
      name: "Mia",
      provider: "builtin",
    });
    await apiAs(d, owner, "POST", `${ws}/agents/${agent.id}/sources`, {
      type: "text",
      name: "Opening hours",
      text: "We open every day from 8:00 to 18:00.",
    });
    const email = unique("ivan");
    const invitation = await apiAs<{ id: string }>(d, owner, "POST", `${ws}/invitations`, {
      email,
      role: "operator",
    });
    const cookie = await signUp(email, "Ivan", "ru");
    await apiAs(d, { cookie }, "POST", `/api/v1/invitations/${invitation.id}/accept`);

    // The server's side of it: an operator's change to the agent is refused.
    const refused = await fetch(`${d.base}${ws}/agents/${agent.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", origin: d.base, cookie },
      body: JSON.stringify({ name: "Mine now" }),
    });
    expect(refused.status).toBe(403);

    // An English browser with no saved language: the account's Russian applies.
    const { context, page, errors } = await openPage(d, { locale: "en-US" });
    page.setDefaultTimeout(10_000);
    await useCookie(context, cookie);
    const ru = await translator("ru");
    await page.goto(`${d.base}/w/${owner.workspaceId}/agents/${agent.id}`);
    await heading(page, "Mia");
    await page.getByText(ru("agents:editor.readOnlyTest")).waitFor();
    expect(await page.getByLabel(ru("agents.form.name")).isDisabled()).toBe(true);
    for (const hidden of ["agents:editor.save", "agents:editor.discard", "agents:editor.delete.button"]) {
      expect(await page.getByRole("button", { name: ru(hidden) }).count(), hidden).toBe(0);
    }
    // Operators may still try the agent.
    await page.getByRole("heading", { name: ru("chat.title") }).waitFor();
    await expectTranslated(page);
    await expectAccessible(page, "roles-01-agent-operator-ru");

    await page.getByRole("tab", { name: ru("agents:editor.tabs.actions") }).click();
    await page.getByRole("heading", { name: ru("agents:editor.actions.emptyTitle") }).waitFor();
    expect(await page.getByRole("button", { name: ru("agents:editor.actions.add") }).count()).toBe(0);
    await page.getByRole("tab", { name: ru("agents:editor.tabs.widget") }).click();
    await page.getByRole("button", { name: ru("agents:editor.embed.copy") }).waitFor();
    expect(await page.getByRole("button", { name: ru("agents:editor.embed.rotate") }).count()).toBe(0);
    expect(await page.getByRole("checkbox", { name: ru("agents:editor.widget.live") }).isDisabled()).toBe(
      true,
    );

    await page.getByRole("link", { name: ru("nav.knowledge") }).click();
    await heading(page, ru("nav.knowledge"));
    await page.getByText(ru("knowledge:readOnly")).waitFor();
    await page.getByText("Opening hours").waitFor();
    expect(await page.getByRole("heading", { name: ru("knowledge:add.title") }).count()).toBe(0);
    expect(await page.getByText(ru("knowledge:upload.choose")).count()).toBe(0);
    const deleteSource = ru("knowledge:sources.deleteLabel", { name: "Opening hours" });
    expect(await page.getByRole("button", { name: deleteSource }).count()).toBe(0);
    // Operators can still see what the agent would find.
    await page.getByLabel(ru("knowledge:search.label")).waitFor();
    await expectTranslated(page);
    await expectAccessible(page, "roles-02-knowledge-operator-ru");

    // A language chosen in this browser wins over the account's.
    await page.evaluate(() => localStorage.setItem("minichat.lang", "en"));
    await page.reload();
    await heading(page, "Knowledge");
    await page
      .getByText("Only owners and admins of this workspace can add or remove knowledge.", { exact: false })
      .waitFor();
    await page.getByRole("link", { name: "Agents" }).click();
    await heading(page, "Agents");
    await page.getByText("Mia").waitFor();
    expect(await page.getByRole("link", { name: "New agent" }).count()).toBe(0);
    expect(await accountLocale(cookie)).toBe("ru");

    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it("saves the language picked before the first workspace on the account", async () => {
    const cookie = await signUp(unique("som"), "Som", "en");
    const { context, page, errors } = await openPage(d, { locale: "en-US" });
    await useCookie(context, cookie);
    await page.goto(`${d.base}/`);
    await heading(page, "Create a workspace");
    await page.getByLabel("Language", { exact: true }).selectOption("th");
    const th = await translator("th");
    await heading(page, th("workspaces.create.title"));
    await expect.poll(() => accountLocale(cookie), { timeout: 5_000 }).toBe("th");
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
