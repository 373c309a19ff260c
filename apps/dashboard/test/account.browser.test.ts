import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, users } from "../../server/src/db/schema/index.ts";
import { outboxFor } from "../../server/test/harness.ts";
import {
  type Dashboard,
  expectAccessible,
  expectTranslated,
  heading,
  openPage,
  signedInOwner,
  startDashboard,
} from "./browser-helpers.ts";

// Account security in Debian's Chromium against the real server: changing the password (the
// server's refusals by the right field), turning on two-factor authentication with real TOTP
// codes computed here from the key shown on screen, the sign-in challenge (app code and backup
// codes, each once), and sessions: a second browser listed, signed out, and sent back to where it
// was after signing in again. Thai and Russian, axe-core on each screen, a 390 px screenshot.

let d: Dashboard;

beforeAll(async () => {
  d = await startDashboard();
}, 180_000);

afterAll(async () => {
  await d?.close();
});

/** RFC 4648 base32 → bytes. */
function base32(secret: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase())
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(Number.parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits): what an authenticator app shows now. */
function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return n.toString().padStart(6, "0");
}

/** A code no authenticator shows now (nor in the previous or next window). */
function wrongCode(secret: string): string {
  const near = [-30_000, 0, 30_000].map((dt) => totp(secret, Date.now() + dt));
  for (let i = 0; ; i++) {
    const c = String(i).padStart(6, "0");
    if (!near.includes(c)) return c;
  }
}

async function signInWithPassword(page: Page, email: string, password: string) {
  await heading(page, "Sign in to MiniChat");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await heading(page, "Sign in to MiniChat");
}

/** The error shown by a field (Field wires it through aria-describedby). */
async function fieldError(page: Page, label: string): Promise<string> {
  const input = page.getByLabel(label, { exact: true });
  await expect.poll(() => input.getAttribute("aria-invalid")).toBe("true");
  const ids = ((await input.getAttribute("aria-describedby")) ?? "").split(" ");
  return page.locator(`[id="${ids[ids.length - 1]}"]`).innerText();
}

describe("account security", () => {
  it("changes the password only with the right current one, turns on 2FA, and signs in with codes", async () => {
    const { context, page, errors } = await openPage(d);
    const owner = await signedInOwner(d, context);
    const settings = `${d.base}/w/${owner.workspaceId}/settings`;
    await page.goto(settings);
    await heading(page, "Settings");
    await page.getByRole("heading", { name: "Where you're signed in" }).waitFor();
    await page.getByText("This device").waitFor();
    await expectAccessible(page, "account-01-settings");

    // Profile: the name is saved on the account and shown in the sidebar.
    await page.getByLabel("Name", { exact: true }).fill("Nok Security");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Your name has been saved.", { exact: true }).waitFor();
    await page.locator("aside").getByText("Nok Security").waitFor();
    const [named] = await d.t.database.db.select().from(users).where(eq(users.email, owner.email));
    expect(named?.name).toBe("Nok Security");

    // Password: the wrong current password and a common new one are refused by their fields.
    await page.getByLabel("Current password").fill("not my password 42");
    await page.getByLabel("New password").fill("a brand new passphrase 7");
    await page.getByRole("button", { name: "Change password" }).click();
    expect(await fieldError(page, "Current password")).toBe("That's not your current password.");
    await page.getByLabel("Current password").fill(owner.password);
    await page.getByLabel("New password").fill("password123");
    await page.getByRole("button", { name: "Change password" }).click();
    expect(await fieldError(page, "New password")).toMatch(/most common/);
    await expectAccessible(page, "account-02-password-errors");

    // Two-factor: password → QR code and key → a wrong code, then the right one → backup codes.
    await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
    await page.getByLabel("Your password").fill("wrong password here");
    await page.getByRole("button", { name: "Continue" }).click();
    expect(await fieldError(page, "Your password")).toBe("That's not your current password.");
    await page.getByLabel("Your password").fill(owner.password);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Scan this QR code" }).waitFor();
    await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
    const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await expectAccessible(page, "account-03-2fa-scan");
    await page.getByLabel("Code from the app").fill(wrongCode(secret));
    await page.getByRole("button", { name: "Turn on" }).click();
    expect(await fieldError(page, "Code from the app")).toMatch(/code isn't right/);
    await page.getByLabel("Code from the app").fill(totp(secret));
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByRole("heading", { name: "Your backup codes" }).waitFor();
    const backupCodes = await page.getByTestId("backup-code").allInnerTexts();
    expect(backupCodes).toHaveLength(10);
    await expectAccessible(page, "account-04-backup-codes");
    await page.getByRole("button", { name: "I've saved them" }).click();
    await page.getByText("On", { exact: true }).waitFor();
    const [row] = await d.t.database.db.select().from(users).where(eq(users.email, owner.email));
    expect(row?.twoFactorEnabled).toBe(true);

    // Sign in again: the password opens the challenge; a wrong code is refused by the field.
    await signOut(page);
    await signInWithPassword(page, owner.email, owner.password);
    await heading(page, "Two-factor authentication");
    expect(new URL(page.url()).pathname).toBe("/two-factor");
    await expectAccessible(page, "account-05-challenge");
    await page.getByLabel("Authentication code").fill(wrongCode(secret));
    await page.getByRole("button", { name: "Verify" }).click();
    expect(await fieldError(page, "Authentication code")).toMatch(/code isn't right/);
    await page.getByLabel("Authentication code").fill(totp(secret));
    await page.getByRole("button", { name: "Verify" }).click();
    await heading(page, "Agents");

    // A backup code works once.
    await signOut(page);
    await signInWithPassword(page, owner.email, owner.password);
    await heading(page, "Two-factor authentication");
    await page.getByRole("button", { name: "Use a backup code instead" }).click();
    await page.getByLabel("Backup code").fill(backupCodes[0]!);
    await page.getByRole("button", { name: "Verify" }).click();
    await heading(page, "Agents");
    await signOut(page);
    await signInWithPassword(page, owner.email, owner.password);
    await heading(page, "Two-factor authentication");
    await page.getByRole("button", { name: "Use a backup code instead" }).click();
    await page.getByLabel("Backup code").fill(backupCodes[0]!);
    await page.getByRole("button", { name: "Verify" }).click();
    expect(await fieldError(page, "Backup code")).toBe(
      "That backup code isn't valid or has already been used.",
    );
    await expectAccessible(page, "account-06-backup-code-used");
    await page.getByLabel("Backup code").fill(backupCodes[1]!);
    await page.getByLabel("Trust this browser for 30 days").check();
    await page.getByRole("button", { name: "Verify" }).click();
    await heading(page, "Agents");

    // A trusted browser is not asked for a code again.
    await signOut(page);
    await signInWithPassword(page, owner.email, owner.password);
    await heading(page, "Agents");

    // New backup codes replace the old ones; turning two-factor off asks for the password and a confirmation.
    await page.goto(settings);
    await heading(page, "Settings");
    await page.getByRole("button", { name: "New backup codes" }).click();
    await page.getByLabel("Your password").fill(owner.password);
    await page.getByRole("button", { name: "Make new codes" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Make new codes" }).click();
    await page.getByRole("heading", { name: "Your backup codes" }).waitFor();
    const fresh = await page.getByTestId("backup-code").allInnerTexts();
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(backupCodes[2]);
    await page.getByRole("button", { name: "I've saved them" }).click();
    await page.getByRole("button", { name: "Turn off", exact: true }).click();
    await page.getByLabel("Your password").fill(owner.password);
    await page.getByRole("button", { name: "Turn off two-factor authentication" }).click();
    const confirmOff = page.getByRole("alertdialog");
    await confirmOff.getByRole("heading", { name: "Turn off two-factor authentication?" }).waitFor();
    await expectAccessible(page, "account-07-2fa-off-confirm");
    await confirmOff.getByRole("button", { name: "Turn off two-factor authentication" }).click();
    await page.getByText("Off", { exact: true }).waitFor();
    const [off] = await d.t.database.db.select().from(users).where(eq(users.email, owner.email));
    expect(off?.twoFactorEnabled).toBe(false);

    // Forgot password → the emailed link → a new password (a common one refused by the field) → sign in.
    await signOut(page);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await heading(page, "Reset your password");
    await page.getByLabel("Email").fill(owner.email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await page.getByText(`If an account exists for ${owner.email}`).waitFor();
    let link: string | undefined;
    await expect
      .poll(async () => {
        const mail = (await outboxFor(d.t.database, owner.email)).find(
          (m) => m.template === "reset-password",
        );
        link = mail?.text.match(/https?:\/\/\S+\/api\/auth\/reset-password\/\S+/)?.[0];
        return Boolean(link);
      })
      .toBe(true);
    await page.goto(link!);
    await heading(page, "Choose a new password");
    await page.getByLabel("New password").fill("password123");
    await page.getByRole("button", { name: "Save the new password" }).click();
    expect(await fieldError(page, "New password")).toMatch(/most common/);
    await expectAccessible(page, "account-07-reset-password-error");
    await page.getByLabel("New password").fill("a brand new passphrase 7");
    await page.getByRole("button", { name: "Save the new password" }).click();
    await page.getByText("Your password has been changed. Sign in with the new one.").waitFor();
    await page.getByRole("link", { name: "Back to sign in" }).click();
    await signInWithPassword(page, owner.email, "a brand new passphrase 7");
    await heading(page, "Agents");

    expect(errors).toEqual([]);
    await context.close();

    // The challenge screen reads naturally in Thai and Russian (here without a pending sign-in).
    for (const [locale, title, submit, error] of [
      ["th", "การยืนยันตัวตนสองขั้นตอน", "ยืนยัน", "การเข้าสู่ระบบครั้งนี้หมดเวลาแล้ว"],
      ["ru", "Двухфакторная аутентификация", "Подтвердить", "Время на вход истекло"],
    ] as const) {
      const other = await openPage(d, { locale });
      await other.page.goto(`${d.base}/two-factor`);
      await heading(other.page, title);
      await other.page.getByRole("textbox").fill("123456");
      await other.page.getByRole("button", { name: submit, exact: true }).click();
      await other.page.getByRole("alert").filter({ hasText: error }).waitFor();
      await expectTranslated(other.page);
      await expectAccessible(other.page, `account-08-challenge-${locale}`);
      expect(other.errors).toEqual([]);
      await other.context.close();
    }
  });

  it("lists a second browser's session, signs it out, and that browser returns to where it was", async () => {
    const a = await openPage(d);
    const owner = await signedInOwner(d, a.context);
    const settings = `${d.base}/w/${owner.workspaceId}/settings`;
    // Both sessions from the browser (the helper's own came from Node: sign it out first).
    await a.page.goto(settings);
    await heading(a.page, "Settings");
    await signOut(a.page);
    await signInWithPassword(a.page, owner.email, owner.password);
    await heading(a.page, "Agents");

    const b = await openPage(d, { viewport: { width: 390, height: 844 } });
    await b.page.goto(settings);
    await signInWithPassword(b.page, owner.email, owner.password);
    await heading(b.page, "Settings");

    await a.page.getByRole("link", { name: "Settings" }).click();
    await heading(a.page, "Settings");
    const list = a.page.getByRole("list").filter({ has: a.page.getByText("This device") });
    await expect.poll(() => list.getByRole("listitem").count()).toBe(2);
    expect(await list.getByRole("listitem").filter({ hasText: "Chrome on Linux" }).count()).toBe(2);
    await expectAccessible(a.page, "account-09-sessions");

    await list.getByRole("button", { name: /^Revoke/ }).click();
    const dialog = a.page.getByRole("alertdialog");
    await dialog.getByRole("heading", { name: "Sign out Chrome on Linux?" }).waitFor();
    await expectAccessible(a.page, "account-10-revoke-confirm");
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await a.page.getByText("You're signed in only here.").waitFor();
    const [user] = await d.t.database.db.select().from(users).where(eq(users.email, owner.email));
    await expect
      .poll(
        async () =>
          (await d.t.database.db.select().from(sessions).where(eq(sessions.userId, user!.id))).length,
      )
      .toBe(1);

    // B's next step finds its session gone: sign in, then back on the page it asked for.
    await b.page.goto(`${d.base}/w/${owner.workspaceId}/agents`);
    await heading(b.page, "Sign in to MiniChat");
    expect(new URL(b.page.url()).searchParams.get("redirect")).toBe(`/w/${owner.workspaceId}/agents`);
    await signInWithPassword(b.page, owner.email, owner.password);
    await heading(b.page, "Agents");
    expect(new URL(b.page.url()).pathname).toBe(`/w/${owner.workspaceId}/agents`);

    // Settings at phone width, in Russian, with the sessions and the 2FA setup in view.
    await b.page.goto(settings);
    await heading(b.page, "Settings");
    await b.page.getByLabel("Language", { exact: true }).selectOption("ru");
    await heading(b.page, "Настройки");
    await b.page.getByRole("heading", { name: "Где выполнен вход" }).waitFor();
    await b.page.getByText("Это устройство").waitFor();
    await b.page.getByRole("button", { name: "Настроить двухфакторную аутентификацию" }).click();
    await b.page.getByLabel("Ваш пароль").waitFor();
    await expectTranslated(b.page);
    await expectAccessible(b.page, "account-11-settings-ru-390px");
    await b.page.getByLabel("Язык", { exact: true }).selectOption("th");
    await heading(b.page, "การตั้งค่า");
    await b.page.getByText("อุปกรณ์นี้").waitFor();
    await expectTranslated(b.page);
    await expectAccessible(b.page, "account-12-settings-th-390px");

    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});
