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

// Team and API keys against the real server on a fresh database, on the Free plan (two seats):
// the owner invites a teammate, who accepts in another browser through the invitation screen;
// the owner changes their role and removes them; a second invitation hits the plan's limit.
// An API key is created, its secret shown once works on the public API, and once revoked gets 401.

let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard({ env: { DEFAULT_PLAN: "free" } });
}, 180_000);

afterAll(async () => {
  await d?.close();
});

type Member = { id: string; email: string; role: string };
type Invitation = { id: string; email: string; role: string };
const ws = (o: Owner, rest: string) => `/api/v1/workspaces/${o.workspaceId}${rest}`;

async function useCookie(context: BrowserContext, cookie: string) {
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const i = pair.indexOf("=");
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: d.base };
    }),
  );
}

/** Signs someone up through the HTTP API and returns their session cookie. */
async function signUp(email: string, name: string): Promise<string> {
  const res = await fetch(`${d.base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: d.base },
    body: JSON.stringify({ email, name, password: "correct horse battery staple" }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function inLanguage(page: Page, language: "th" | "ru") {
  await page.evaluate((l) => localStorage.setItem("minichat.lang", l), language);
  await page.reload();
}

describe("team and API keys", () => {
  let owner: Owner;

  it("invites a teammate who accepts, changes their role, removes them; the plan's limit is explained", async () => {
    const { context, page, errors } = await openPage(d);
    page.setDefaultTimeout(10_000);
    owner = await signedInOwner(d, context, { name: "Nok Owner" });
    await page.goto(`${d.base}/w/${owner.workspaceId}/team`);
    await heading(page, "Team");
    await page.getByText("Your role here: Owner").waitFor();
    await page.getByText("You", { exact: true }).waitFor();
    expect(await page.getByRole("button", { name: /^Remove/ }).count()).toBe(0); // the owner can't be removed
    await expectAccessible(page, "team-01-alone");

    // A malformed address is refused by the field, before anything is sent.
    await page.getByLabel("Email address").fill("ivy at example");
    await page.getByRole("button", { name: "Send invitation" }).click();
    await page.getByText("Enter an email address such as name@company.com.").waitFor();
    expect(await page.getByLabel("Email address").getAttribute("aria-invalid")).toBe("true");
    // The owner's own address: the server's answer, by the same field.
    await page.getByLabel("Email address").fill(owner.email);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await page.getByText("This person is already a member of the workspace.").waitFor();

    const ivy = `ivy-${Date.now().toString(36)}@example.com`;
    await page.getByLabel("Email address").fill(ivy);
    await page.getByLabel("Role", { exact: true }).selectOption("admin");
    await page.getByRole("button", { name: "Send invitation" }).click();
    const pending = page.getByRole("region", { name: "Pending invitations" });
    await pending.getByText(ivy).waitFor();
    const [first] = (await apiAs<{ invitations: Invitation[] }>(d, owner, "GET", ws(owner, "/invitations")))
      .invitations;
    expect(first).toMatchObject({ email: ivy, role: "admin" });

    // Resend (at the Free plan's limit: the invitation's seat is reused), then a second person
    // is refused with the plan's limit, said plainly with the way out.
    await pending.getByRole("button", { name: `Resend to ${ivy}` }).click();
    await expect
      .poll(
        async () =>
          (await apiAs<{ invitations: Invitation[] }>(d, owner, "GET", ws(owner, "/invitations")))
            .invitations,
      )
      .toEqual([
        expect.objectContaining({ email: ivy, role: "admin", id: expect.not.stringMatching(first!.id) }),
      ]);
    await page.getByLabel("Email address").fill("second@example.com");
    await page.getByRole("button", { name: "Send invitation" }).click();
    const limit = page.getByRole("alert").filter({ hasText: "Your plan allows 2 members" });
    await limit.waitFor();
    expect(await limit.getByRole("link", { name: "See plans" }).getAttribute("href")).toBe(
      `/w/${owner.workspaceId}/billing`,
    );
    await expectAccessible(page, "team-02-invited-limit");

    // The invitee signs up with the invited address and accepts on the invitation screen.
    const [invitation] = (
      await apiAs<{ invitations: Invitation[] }>(d, owner, "GET", ws(owner, "/invitations"))
    ).invitations;
    const invitee = await openPage(d);
    invitee.page.setDefaultTimeout(10_000);
    const ivyCookie = await signUp(ivy, "Ivy");
    await useCookie(invitee.context, ivyCookie);
    await invitee.page.goto(`${d.base}/invitations/${invitation!.id}`);
    await invitee.page.getByRole("button", { name: "Accept the invitation" }).click();
    await heading(invitee.page, "Agents");
    expect(invitee.page.url()).toContain(`/w/${owner.workspaceId}/`);

    await page.reload();
    await heading(page, "Team");
    const ivyRole = page.getByLabel("Role of Ivy");
    await ivyRole.waitFor();
    expect(await ivyRole.inputValue()).toBe("admin");
    await page.getByText("No invitations waiting to be accepted.").waitFor();

    await ivyRole.selectOption("operator");
    await page.getByText("Ivy is now Operator", { exact: true }).waitFor();
    const members = async () =>
      (await apiAs<{ members: Member[] }>(d, owner, "GET", ws(owner, "/members"))).members.map((m) => [
        m.email,
        m.role,
      ]);
    expect(await members()).toEqual(expect.arrayContaining([[ivy, "operator"]]));

    // What the operator sees: their role, no invitations, no keys.
    await invitee.page.goto(`${d.base}/w/${owner.workspaceId}/team`);
    await invitee.page.getByText("Your role here: Operator").waitFor();
    expect(await invitee.page.getByLabel("Email address").count()).toBe(0);
    await expectAccessible(invitee.page, "team-03-as-operator");
    await invitee.page.goto(`${d.base}/w/${owner.workspaceId}/api-keys`);
    await invitee.page.getByText("Only owners and admins manage API keys").waitFor();
    expect(invitee.errors).toEqual([]);
    await invitee.context.close();

    await page.getByRole("button", { name: "Remove Ivy" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Remove Ivy?" });
    await confirm.getByRole("button", { name: "Remove" }).click();
    await page.getByText("Ivy was removed from the workspace", { exact: true }).waitFor();
    expect((await members()).map(([email]) => email)).toEqual([owner.email]);

    // Thai, then Russian on a phone: nothing untranslated.
    await inLanguage(page, "th");
    await heading(page, "ทีม");
    await page.getByText("บทบาทของคุณที่นี่: เจ้าของ").waitFor();
    await expectTranslated(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await inLanguage(page, "ru");
    await heading(page, "Команда");
    await expectTranslated(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page, "team-04-ru-390");

    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it("creates an API key shown once that works on the public API, then revokes it", async () => {
    const { context, page, errors } = await openPage(d);
    page.setDefaultTimeout(10_000);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: d.base });
    await useCookie(context, owner.cookie);
    const agent = await apiAs<{ id: string }>(d, owner, "POST", ws(owner, "/agents"), { name: "Mia" });

    await page.goto(`${d.base}/w/${owner.workspaceId}/api-keys`);
    await heading(page, "API keys");
    await page.getByRole("heading", { name: "No API keys yet" }).waitFor();
    await expectAccessible(page, "api-keys-01-empty");

    await page.getByRole("button", { name: "Create API key" }).first().click();
    const form = page.getByRole("dialog", { name: "Create an API key" });
    for (const box of await form.getByRole("checkbox").all()) await box.uncheck();
    await form.getByRole("button", { name: "Create key" }).click();
    await form.getByText("Give the key a name.").waitFor();
    await form.getByText("Choose at least one thing the key may do.").waitFor();
    expect(await form.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "api-keys-02-form-errors");

    await form.getByLabel("Name").fill("Shop backend");
    await form.getByLabel("Read agents").check();
    await form.getByLabel("Chat and reply").check();
    await form.getByLabel("Expires").selectOption("30");
    await form.getByRole("button", { name: "Create key" }).click();

    const secret = page.getByRole("dialog", { name: "Your new key: Shop backend" });
    await secret.getByText("It won't be shown again").waitFor();
    const key = await secret.getByLabel("API key").inputValue();
    expect(key).toMatch(/^mck_[0-9a-z]{40}$/);
    await secret.getByRole("button", { name: "Copy" }).click();
    await secret.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await expectAccessible(page, "api-keys-03-secret");

    const models = await fetch(`${d.base}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual([agent.id]);

    await secret.getByRole("button", { name: "I've saved the key" }).click();
    await secret.waitFor({ state: "hidden" });
    await page.reload();
    await heading(page, "API keys");
    await page.getByText("Shop backend").waitFor();
    await page.getByText(`${key.slice(0, 12)}…`).waitFor();
    await page.getByRole("list", { name: "What Shop backend may do" }).getByText("Chat and reply").waitFor();
    expect(await page.content()).not.toContain(key); // the secret is never shown again
    const [stored] = (
      await apiAs<{ apiKeys: { scopes: string[]; expiresAt: string }[] }>(
        d,
        owner,
        "GET",
        ws(owner, "/api-keys"),
      )
    ).apiKeys;
    expect(stored!.scopes).toEqual(["agents:read", "conversations:write"]);
    expect(Date.parse(stored!.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    await page.getByRole("button", { name: "Revoke Shop backend" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke" }).click();
    await page.getByText("Revoked", { exact: true }).first().waitFor();
    const after = await fetch(`${d.base}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(after.status).toBe(401);
    expect(await page.getByRole("button", { name: "Revoke Shop backend" }).count()).toBe(0);
    await expectAccessible(page, "api-keys-04-revoked");

    await inLanguage(page, "th");
    await heading(page, "คีย์ API");
    await page.getByText("เพิกถอนแล้ว").waitFor();
    await expectTranslated(page);
    await inLanguage(page, "ru");
    await heading(page, "API-ключи");
    await page.getByRole("button", { name: "Создать API-ключ" }).click();
    await page.getByRole("dialog", { name: "Новый API-ключ" }).waitFor();
    await expectTranslated(page);

    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
