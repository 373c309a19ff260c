import type { BrowserContext, Page } from "playwright-core";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Realtime } from "../../server/src/modules/realtime/realtime.ts";
import {
  ARTIFACTS,
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

// The operator's loop in Chromium against the real server: a visitor talks to a live agent
// through the widget's public API (and its /visitor socket), the conversation shows up in the
// inbox, a new visitor message arrives without a reload, the operator takes over and replies —
// and the visitor receives it — leaves a note the visitor never sees, uses a saved reply, and the
// inbox survives a dropped socket. Then the screen in Thai and Russian, and at phone width.

let d: Dashboard;
let owner: Owner;
let visitorSocket: Socket | undefined;
const HOST = "https://shop.example";

beforeAll(async () => {
  d = await startDashboard();
}, 180_000);

afterAll(async () => {
  visitorSocket?.close();
  await d?.close();
});

type Visitor = { conversationId: string; visitorToken: string };

async function widget<T>(path: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`${d.base}/api/v1/widget/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      origin: HOST,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

const visitorSays = (v: Visitor, content: string) =>
  widget(`conversations/${v.conversationId}/messages`, { content }, v.visitorToken);

const visitorSees = async (v: Visitor) =>
  (
    await widget<{ messages: { role: string; content: string }[]; status: string }>(
      `conversations/${v.conversationId}/messages`,
      undefined,
      v.visitorToken,
    )
  ).messages;

/** The same signed-in owner in another browser context (another language, another size). */
async function asOwner(context: BrowserContext, language?: string) {
  await context.addCookies(
    owner.cookie.split("; ").map((pair) => {
      const i = pair.indexOf("=");
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: d.base };
    }),
  );
  if (language) await context.addInitScript((l) => localStorage.setItem("minichat.lang", l), language);
}

/** The inbox has joined the workspace's live room. */
const live = (page: Page) => page.locator("[data-live=connected]").waitFor({ timeout: 10_000 });

const composer = (page: Page) => page.getByRole("textbox", { name: "Write a reply…" });

describe("inbox", () => {
  let visitor: Visitor;

  it("shows a visitor's conversation live, and the operator takes over, replies and notes", async () => {
    const { context, page, errors } = await openPage(d, { viewport: { width: 1280, height: 860 } });
    owner = await signedInOwner(d, context, { name: "Nok Owner" });
    const ws = `/api/v1/workspaces/${owner.workspaceId}`;

    // The empty inbox says how conversations arrive.
    await page.goto(`${d.base}/w/${owner.workspaceId}/inbox`);
    await heading(page, "Inbox");
    await page.getByRole("heading", { name: "No conversations yet" }).waitFor();
    await live(page);
    expect(await page.getByText("chat widget on your website").count()).toBe(1);

    const agent = await apiAs<{ id: string; publicKey: string }>(d, owner, "POST", `${ws}/agents`, {
      name: "Mia",
      provider: "builtin",
      status: "live",
      quickAnswers: [
        {
          question: "What are your opening hours?",
          answer: "We are open from 7am to 6pm, Monday to Saturday.",
        },
      ],
    });
    visitor = await widget<Visitor>(`${agent.publicKey}/conversations`, {
      pageUrl: `${HOST}/menu`,
      locale: "th-TH",
    });
    // The new conversation appears without a reload (conversation.created over the socket).
    const row = page.locator(`[data-conversation="${visitor.conversationId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await visitorSays(visitor, "What are your opening hours?");
    await row.getByText("We are open from 7am").waitFor();
    await expectAccessible(page, "inbox-01-list");

    await row.click();
    const transcript = page.getByRole("list", { name: "Messages" });
    await transcript.locator("[data-role=visitor]").getByText("What are your opening hours?").waitFor();
    await transcript.locator("[data-role=assistant]").getByText("We are open from 7am").first().waitFor();
    await page.getByRole("complementary", { name: "Visitor details" }).getByText(`${HOST}/menu`).waitFor();

    // The visitor's socket: typing both ways, and the operator's reply as it is sent.
    visitorSocket = connect(`${d.base}/visitor`, {
      auth: { token: visitor.visitorToken },
      transports: ["websocket"],
      forceNew: true,
    });
    const received: { role: string; content: string }[] = [];
    let operatorTyping = false;
    visitorSocket.on("message", (m: { role: string; content: string }) => received.push(m));
    visitorSocket.on("typing", (e: { typing: boolean }) => {
      if (e.typing) operatorTyping = true;
    });
    await new Promise<void>((resolve, reject) => {
      visitorSocket!.once("connect", resolve);
      visitorSocket!.once("connect_error", reject);
    });
    visitorSocket.emit("typing", { typing: true });
    await page.getByText("The visitor is typing…").waitFor();

    // A new visitor message arrives live, no reload.
    await visitorSays(visitor, "Do you have oat milk?");
    await transcript.getByText("Do you have oat milk?").waitFor();

    await page.getByRole("button", { name: "Take over" }).click();
    await page.getByText("You're handling this conversation.").first().waitFor();
    await page.getByRole("button", { name: "Hand back to AI" }).waitFor();
    const held = await apiAs<{ conversation: { status: string; assigneeName: string } }>(
      d,
      owner,
      "GET",
      `${ws}/inbox/conversations/${visitor.conversationId}`,
    );
    expect(held.conversation).toMatchObject({ status: "human", assigneeName: "Nok Owner" });

    await composer(page).fill("Yes, we have oat milk every day.");
    await expect.poll(() => operatorTyping, { timeout: 5000 }).toBe(true);
    await composer(page).press("Enter");
    await transcript.locator("[data-role=operator]").getByText("Yes, we have oat milk every day.").waitFor();
    await expect
      .poll(() => received.map((m) => m.content), { timeout: 5000 })
      .toContain("Yes, we have oat milk every day.");
    expect((await visitorSees(visitor)).at(-1)).toMatchObject({
      role: "operator",
      content: "Yes, we have oat milk every day.",
    });

    // Shift+Enter is a new line; an internal note stays with the team.
    await page.getByRole("button", { name: "Internal note" }).click();
    const note = page.getByRole("textbox", { name: "Write an internal note…" });
    await note.fill("Regular customer");
    await note.press("Shift+Enter");
    await note.pressSequentially("asks about oat milk");
    await note.press("Enter");
    await transcript.locator("[data-role=note]").getByText("asks about oat milk").waitFor();
    const stored = await apiAs<{ messages: { role: string; content: string }[] }>(
      d,
      owner,
      "GET",
      `${ws}/inbox/conversations/${visitor.conversationId}`,
    );
    expect(stored.messages.at(-1)).toMatchObject({
      role: "note",
      content: "Regular customer\nasks about oat milk",
    });
    expect(JSON.stringify(await visitorSees(visitor))).not.toContain("Regular customer");
    expect(received.some((m) => m.content.includes("Regular customer"))).toBe(false);
    await page.getByRole("button", { name: "Internal note" }).click();
    await expectAccessible(page, "inbox-02-conversation");

    // Saved replies: made in the dialog (a taken shortcut is refused by the server, shown by the
    // field), then inserted with /shortcut from the keyboard.
    await page.getByRole("button", { name: "Saved replies" }).click();
    const dialog = page.getByRole("dialog", { name: "Saved replies" });
    await dialog.getByRole("heading", { name: "No saved replies yet" }).waitFor();
    await dialog.getByRole("button", { name: "New saved reply" }).click();
    await dialog.getByLabel("Shortcut").fill("Hours");
    await dialog.getByLabel("Title").fill("Opening hours");
    await dialog.getByLabel("Reply text").fill("We are open 8:00–18:00 every day.");
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    await dialog.getByText("/hours", { exact: true }).waitFor();
    await dialog.getByRole("button", { name: "New saved reply" }).click();
    await dialog.getByLabel("Shortcut").fill("HOURS");
    await dialog.getByLabel("Title").fill("Again");
    await dialog.getByLabel("Reply text").fill("Duplicate");
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => dialog.getByLabel("Shortcut").getAttribute("aria-invalid")).toBe("true");
    const describedBy = await dialog.getByLabel("Shortcut").getAttribute("aria-describedby");
    expect(await page.locator(`[id="${describedBy?.split(" ").at(-1)}"]`).innerText()).toContain(
      "/hours is already used",
    );
    await expectAccessible(page, "inbox-03-saved-replies");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("New saved reply");
    // (Escape would first close the "saved" toast: Radix treats each toast as a dismissable layer.)
    await dialog.getByRole("button", { name: "Close", exact: true }).click();
    await dialog.waitFor({ state: "detached" });

    await composer(page).fill("");
    await composer(page).pressSequentially("/ho");
    const option = page.getByRole("option", { name: /\/hours/ });
    await option.waitFor();
    expect(await option.getAttribute("aria-selected")).toBe("true");
    expect(await composer(page).getAttribute("aria-activedescendant")).toBe(await option.getAttribute("id"));
    await composer(page).press("Enter");
    expect(await composer(page).inputValue()).toBe("We are open 8:00–18:00 every day.");
    await composer(page).press("Enter");
    await expect
      .poll(async () => (await visitorSees(visitor)).at(-1)?.content, { timeout: 5000 })
      .toBe("We are open 8:00–18:00 every day.");

    // Hand back, resolve, reopen: each shown at once and stored.
    await page.getByRole("button", { name: "Hand back to AI" }).click();
    await page.getByText("Handed back: the AI answers again.").first().waitFor();
    await page.getByRole("button", { name: "Resolve" }).click();
    await page.getByRole("button", { name: "Reopen" }).waitFor();
    const resolved = await apiAs<{ conversation: { status: string } }>(
      d,
      owner,
      "GET",
      `${ws}/inbox/conversations/${visitor.conversationId}`,
    );
    expect(resolved.conversation.status).toBe("resolved");
    await page.getByRole("button", { name: "Reopen" }).click();
    await page.getByText("Conversation reopened.").first().waitFor();

    await page.getByLabel("Assignee", { exact: true }).selectOption({ label: "Nok Owner (me)" });
    await page.getByText("Assigned to Nok Owner.").first().waitFor();
    const assigned = await apiAs<{ conversation: { assigneeName: string | null } }>(
      d,
      owner,
      "GET",
      `${ws}/inbox/conversations/${visitor.conversationId}`,
    );
    expect(assigned.conversation.assigneeName).toBe("Nok Owner");

    // Filters: nothing resolved now; clearing them brings the conversation back.
    await page.getByLabel("Status", { exact: true }).selectOption("resolved");
    await page.getByRole("heading", { name: "Nothing matches these filters" }).waitFor();
    await page.getByRole("button", { name: "Clear filters" }).last().click();
    await page.locator(`[data-conversation="${visitor.conversationId}"]`).waitFor();

    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it("shows a banner while the socket is down and catches up after it reconnects", async () => {
    const { context, page, errors } = await openPage(d, { viewport: { width: 1280, height: 860 } });
    await asOwner(context);
    await page.goto(`${d.base}/w/${owner.workspaceId}/inbox/${visitor.conversationId}`);
    const transcript = page.getByRole("list", { name: "Messages" });
    await transcript.getByText("Do you have oat milk?").waitFor();
    await live(page);
    // Connected: a message arrives live.
    await visitorSays(visitor, "Still there?");
    await transcript.getByText("Still there?").waitFor();

    // The server drops the inbox's sockets and refuses new ones for a while (as during a
    // restart): the banner shows, and what happened meanwhile appears once it is back.
    const { inbox } = (d.t.app as unknown as { realtime: Realtime }).realtime;
    let down = true;
    inbox.use((_socket, next) => next(down ? new Error("UNAVAILABLE") : undefined));
    inbox.disconnectSockets(true);
    await page.getByText("Reconnecting…").waitFor();
    await visitorSays(visitor, "Hello after the outage");
    down = false;
    await transcript.getByText("Hello after the outage").waitFor({ timeout: 15_000 });
    await page.getByText("Reconnecting…").waitFor({ state: "detached" });
    await live(page);

    // Notifications: opted in with the browser's permission, shown for a visitor message while
    // the tab is hidden.
    await context.grantPermissions(["notifications"], { origin: d.base });
    const bell = page.getByRole("button", { name: "Desktop notifications" });
    await bell.click();
    await expect.poll(() => bell.getAttribute("aria-pressed")).toBe("true");
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      const shown: string[] = [];
      const Real = window.Notification;
      const Spy = function (this: unknown, title: string, options?: NotificationOptions) {
        shown.push(`${title} | ${options?.body}`);
        return new Real(title, options);
      } as unknown as typeof Notification;
      Object.defineProperty(Spy, "permission", { get: () => Real.permission });
      Object.assign(window, { Notification: Spy, shown });
    });
    await visitorSays(visitor, "Anyone there?");
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { shown: string[] }).shown.join("\n")))
      .toContain("New visitor message | Visitor ");
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("reads in Thai and Russian, and works at phone width", async () => {
    for (const [language, title, messages] of [
      ["th", "กล่องข้อความ", "ข้อความ"],
      ["ru", "Входящие", "Сообщения"],
    ] as const) {
      const { context, page, errors } = await openPage(d, { viewport: { width: 1280, height: 860 } });
      await asOwner(context, language);
      await page.goto(`${d.base}/w/${owner.workspaceId}/inbox/${visitor.conversationId}`);
      await heading(page, title);
      await page
        .getByRole("list", { name: messages, exact: true })
        .getByText("Do you have oat milk?")
        .waitFor();
      await expectTranslated(page);
      await expectAccessible(page, `inbox-04-${language}`);
      expect(errors).toEqual([]);
      await context.close();
    }

    const { context, page, errors } = await openPage(d, { viewport: { width: 390, height: 844 } });
    await asOwner(context);
    await page.goto(`${d.base}/w/${owner.workspaceId}/inbox`);
    await heading(page, "Inbox");
    const row = page.locator(`[data-conversation="${visitor.conversationId}"]`);
    await row.click();
    await page.getByRole("link", { name: "Conversations" }).waitFor();
    expect(await row.isVisible()).toBe(false);
    await composer(page).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await expectAccessible(page, "inbox-05-phone-conversation");
    await page.screenshot({ path: `${ARTIFACTS}inbox-390.png` });
    await page.getByRole("link", { name: "Conversations" }).click();
    await row.waitFor();
    await expectAccessible(page, "inbox-06-phone-list");
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
