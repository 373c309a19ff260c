import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownerWithLiveAgent, type WidgetOwner } from "../../server/src/modules/widget/widget-test-helpers.ts";
import {
  addMember,
  call,
  createTestApp,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../server/test/harness.ts";
import { buildWidget } from "../build.ts";
import { ask, axeSerious, launchChromium, openPanel, startHostPage } from "./browser-helpers.ts";

// The whole visitor ↔ AI ↔ operator loop in Debian's Chromium: a visitor on a host page of
// another origin gets a streamed, cited answer, asks for a person, an operator (the inbox API and
// an inbox socket, as the dashboard uses them) takes over, types and replies, and the visitor
// sees it live; then a message flood meets the calm "slow down" state.

/** The panel's polling interval while the socket is down (app.tsx POLL_OPEN_MS). */
const POLL_OPEN_MS = 10_000;

let t: TestApp;
let api: string;
let host: Server;
let hostUrl: string;
let browser: Browser;
let owner: WidgetOwner;
let operator: SignedUp;
const sockets: Socket[] = [];

beforeAll(async () => {
  await buildWidget();
  t = await createTestApp({
    env: { RATE_LIMIT_MAX: "10000", AUTH_RATE_LIMIT_MAX: "10000", WIDGET_VISITOR_MESSAGES_PER_MINUTE: "8" },
  });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  api = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  owner = await ownerWithLiveAgent(t.app, { name: "Mia" });
  operator = await signUp(t.app, { name: "Olga" });
  await addMember(t.app, owner.bearer, owner.wsId, operator, "operator");
  ({ server: host, url: hostUrl } = await startHostPage(api, () => owner.publicKey));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await browser?.close();
  host?.close();
  await t?.close();
});

const inbox = (rest = "") => `/api/v1/workspaces/${owner.wsId}/inbox/conversations${rest}`;

async function conversationIdOf(page: Page): Promise<string> {
  const raw = await page.evaluate((k) => localStorage.getItem(`minichat:${k}`), owner.publicKey);
  return (JSON.parse(raw ?? "{}") as { conversationId: string }).conversationId;
}

/** The operator's dashboard socket: joined to the workspace, watching one conversation. */
async function operatorSocket(conversationId: string): Promise<Socket> {
  const s = connect(`${api}/inbox`, {
    auth: { token: operator.token },
    transports: ["websocket"],
    forceNew: true,
  });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once("connect", () => resolve());
    s.once("connect_error", reject);
  });
  expect(await s.emitWithAck("join", { workspaceId: owner.wsId })).toEqual({ ok: true });
  expect(await s.emitWithAck("watch", { conversationId })).toEqual({ ok: true });
  return s;
}

async function reply(conversationId: string, content: string) {
  const res = await call(t.app, operator.bearer, "POST", inbox(`/${conversationId}/messages`), { content });
  expect(res.statusCode, res.body).toBe(201);
}

describe("visitor, AI and operator in one conversation", () => {
  it("answers, hands over to a person who types and replies live, and calms a flood", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // Every script and transcript request the page makes, with when it was made.
    const requests: { at: number; url: string; method: string }[] = [];
    page.on("request", (r) => requests.push({ at: Date.now(), url: r.url(), method: r.method() }));
    const socketChunk = () => requests.filter((r) => /\/widget\/socket\.[0-9a-f]+\.js$/.test(r.url));

    await page.goto(hostUrl);
    await openPanel(page);
    // No conversation yet: nobody can answer live, so socket.io-client is not fetched.
    await page.waitForTimeout(300);
    expect(socketChunk()).toEqual([]);

    await ask(page, "What are your opening hours?");
    const answer = page.locator(".m.assistant", { hasText: "7am to 6pm" });
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.locator(".src li").first().textContent()).toContain("What are your opening hours?");
    const conversationId = await conversationIdOf(page);
    expect(conversationId).toMatch(/^cnv_/);
    // Now there is a conversation in an open panel: the live channel comes up.
    await expect.poll(() => socketChunk().length, { timeout: 10_000 }).toBe(1);

    await page.getByRole("button", { name: "Talk to a human" }).click();
    await page.getByText("A teammate has been notified").waitFor({ timeout: 10_000 });
    const waiting = await call(t.app, operator.bearer, "GET", inbox(`/${conversationId}`));
    expect(waiting.json().conversation).toMatchObject({ status: "waiting_human" });

    // The operator opens the conversation in the dashboard and takes it over.
    const op = await operatorSocket(conversationId);
    const take = await call(t.app, operator.bearer, "POST", inbox(`/${conversationId}/takeover`));
    expect(take.statusCode, take.body).toBe(200);
    await page.getByText("You are chatting with our team.").waitFor({ timeout: 5_000 });

    // The visitor types: the operator sees it (throttled, one "typing" while they keep typing).
    const visitorTyping = new Promise((resolve) =>
      op.on("typing", (e) => e.who === "visitor" && e.typing && resolve(e)),
    );
    await page.locator("#mc-panel textarea").pressSequentially("hel", { delay: 30 });
    expect(await visitorTyping).toMatchObject({ conversationId, who: "visitor", typing: true });
    await page.locator("#mc-panel textarea").fill("");

    // The operator types: the visitor's panel says so, in a status region screen readers read.
    op.emit("typing", { conversationId, typing: true });
    const indicator = page.locator("#mc-panel .ty[role=status]");
    await expect.poll(() => indicator.textContent(), { timeout: 5_000 }).toBe("Team is typing…");

    // The reply arrives over the socket: well inside the polling interval, with no transcript
    // fetch in between (so it did not come from polling).
    const sentAt = Date.now();
    await reply(conversationId, "Hi, I'm Olga. Your order ships **today**.");
    const live = page.locator(".m.operator", { hasText: "Your order ships" });
    await live.waitFor({ timeout: 5_000 });
    const took = Date.now() - sentAt;
    expect(took).toBeLessThan(POLL_OPEN_MS / 4);
    const fetched = requests.filter(
      (r) =>
        r.method === "GET" && r.url.includes(`/conversations/${conversationId}/messages`) && r.at >= sentAt,
    );
    expect(fetched).toEqual([]);
    expect(await live.locator("strong").textContent()).toBe("today");
    // A message ends the typing indicator; the next one names the operator.
    expect(await indicator.textContent()).toBe("");
    op.emit("typing", { conversationId, typing: true });
    await expect.poll(() => indicator.textContent(), { timeout: 5_000 }).toBe("Olga is typing…");
    op.emit("typing", { conversationId, typing: false });
    await expect.poll(() => indicator.textContent(), { timeout: 5_000 }).toBe("");

    // The transcript brings the same message again (closing and reopening refreshes): shown once.
    await page.keyboard.press("Escape");
    await openPanel(page);
    await page.waitForTimeout(500);
    expect(await page.locator(".m.operator", { hasText: "Your order ships" }).count()).toBe(1);

    op.emit("typing", { conversationId, typing: true });
    await expect.poll(() => indicator.textContent(), { timeout: 5_000 }).toBe("Olga is typing…");
    expect(JSON.stringify(await axeSerious(page), null, 1)).toBe("[]");
    op.emit("typing", { conversationId, typing: false });

    // A flood: the visitor limit (8 a minute here) answers 429 and the panel asks, calmly, to wait.
    for (let i = 0; i < 12; i++) await ask(page, `Are you there? ${i}`);
    await page
      .getByText("You are sending messages quickly. Please wait a moment…")
      .waitFor({ timeout: 10_000 });
    expect(await page.locator("#mc-panel").isVisible()).toBe(true);
    expect(await page.getByText("Something went wrong").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("falls back to slow polling when the live channel cannot load", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    // A proxy or blocker that stops socket.io-client: the panel must still hear the operator.
    await page.route(/\/widget\/socket\.[0-9a-f]+\.js$/, (r) => r.abort());
    await page.goto(hostUrl);
    await openPanel(page);
    await ask(page, "What are your opening hours?");
    await page.locator(".m.assistant", { hasText: "7am to 6pm" }).waitFor({ timeout: 15_000 });
    const conversationId = await conversationIdOf(page);
    const take = await call(t.app, operator.bearer, "POST", inbox(`/${conversationId}/takeover`));
    expect(take.statusCode, take.body).toBe(200);
    await reply(conversationId, "Olga here, answering without a socket.");
    await page
      .locator(".m.operator", { hasText: "answering without a socket" })
      .waitFor({ timeout: POLL_OPEN_MS + 5_000 });
    await page.getByText("You are chatting with our team.").waitFor({ timeout: 1_000 });
    await context.close();
  }, 60_000);

  it("shows nothing for a rotated key, and nothing for an unknown one", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const old = owner.publicKey;
    const rotated = await call(
      t.app,
      owner.bearer,
      "PATCH",
      `/api/v1/workspaces/${owner.wsId}/agents/${owner.agentId}`,
      {
        rotatePublicKey: true,
      },
    );
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().publicKey).not.toBe(old);
    for (const key of [old, "pk_unknown"]) {
      const configs: number[] = [];
      page.on("response", (r) => r.url().includes("/config") && configs.push(r.status()));
      await page.goto(`${hostUrl}?key=${encodeURIComponent(key)}`);
      await page.waitForLoadState("networkidle");
      expect(configs).toContain(404);
      expect(await page.locator("[data-minichat]").count()).toBe(0);
      page.removeAllListeners("response");
    }
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
