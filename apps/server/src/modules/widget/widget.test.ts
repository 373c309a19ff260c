import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { contacts, conversations, leads, messages } from "../../db/schema/index.ts";
import type { DomainEvent } from "../../platform/events.ts";
import { newId } from "../../platform/ids.ts";
import { nextIp, ownerWithLiveAgent, parseSse, startVisitor } from "./widget-test-helpers.ts";

// The visitor's side of the widget through the public API, with the built-in responder.

let t: TestApp;
const events: DomainEvent[] = [];

beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_MAX: "10000", AUTH_RATE_LIMIT_MAX: "10000", TRUST_PROXY: "true" },
  });
  t.app.ctx.events.on("conversation.handoff_requested", (e) => events.push(e));
  t.app.ctx.events.on("lead.captured", (e) => events.push(e));
  t.app.ctx.events.on("conversation.created", (e) => events.push(e));
});
afterAll(async () => t?.close());

async function conversationRow(id: string) {
  const [row] = await t.app.ctx.db.select().from(conversations).where(eq(conversations.id, id));
  return row!;
}

describe("widget config", () => {
  it("shows the live agent's appearance and greetings, nothing secret", async () => {
    const owner = await ownerWithLiveAgent(t.app, {
      instructions: "SECRET PROMPT",
      widget: { color: "#ff5500", position: "bottom-left", displayName: "Coffee help", defaultLocale: "th" },
    });
    const res = await t.app.inject({ method: "GET", url: `/api/v1/widget/${owner.publicKey}/config` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      agentName: "Coffee help",
      avatarUrl: null,
      color: "#ff5500",
      position: "bottom-left",
      theme: "auto",
      welcomeMessage: "Hi! Ask me anything about our coffee.",
      suggestedQuestions: ["What are your opening hours?"],
      defaultLocale: "th",
      requireContactForm: false,
      proactive: null,
    });
    expect(res.body).not.toContain("SECRET PROMPT");
    expect(res.body).not.toContain("builtin");
  });
});

describe("a visitor's conversation", () => {
  it("starts with visitor details in the metadata, only a hash of the token stored, and is announced", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, {
      ip: nextIp(),
      body: { pageUrl: "https://shop.example/pricing", referrer: "https://search.example/", locale: "th-TH" },
    });
    expect(v.visitorToken).toMatch(/^vt_[\w-]{43}$/);
    expect(new Date(v.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const row = await conversationRow(v.conversationId);
    expect(row).toMatchObject({
      channel: "widget",
      status: "ai",
      workspaceId: owner.wsId,
      externalUserId: null,
    });
    expect(row.visitorTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(v.visitorToken);
    expect(row.metadata).toMatchObject({
      pageUrl: "https://shop.example/pricing",
      referrer: "https://search.example/",
      locale: "th-TH",
      origin: "https://shop.example",
    });
    expect(JSON.stringify(row.metadata)).not.toContain("203.0.113.");
    // The inbox hears of it before the first message (openConversation).
    expect(events).toContainEqual({
      type: "conversation.created",
      workspaceId: owner.wsId,
      conversationId: v.conversationId,
      agentId: owner.agentId,
      channel: "widget",
    });
  });

  it("keeps the country a CDN reported", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/widget/${owner.publicKey}/conversations`,
      headers: { "cf-ipcountry": "th", "user-agent": "Mozilla/5.0 Test" },
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(201);
    const row = await conversationRow(res.json().conversationId);
    expect(row.metadata).toMatchObject({ country: "TH", userAgent: "Mozilla/5.0 Test" });
  });

  it("answers as JSON with a citation and reads back the transcript", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const res = await v.send("POST", v.url("/messages"), { content: "What are your opening hours?" });
    expect(res.statusCode, res.body).toBe(200);
    const turn = res.json();
    expect(turn.status).toBe("ai");
    expect(turn.message.content).toContain("7am to 6pm");
    expect(turn.message.citations).toEqual([{ index: 1, title: "What are your opening hours?", url: null }]);
    expect(res.body).not.toContain("costUsd");
    const list = await v.send("GET", v.url("/messages"));
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().messages.map((m: { role: string }) => m.role)).toEqual(["visitor", "assistant"]);
    expect(list.json()).toMatchObject({ status: "ai", rating: null, hasContact: false });
    const after = await v.send("GET", v.url(`/messages?after=${turn.visitorMessageId}`));
    expect(after.json().messages.map((m: { id: string }) => m.id)).toEqual([turn.message.id]);
  });

  it("streams the answer as SSE: tokens, a citation, then done", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const res = await v.send(
      "POST",
      v.url("/messages"),
      { content: "What are your opening hours?" },
      { accept: "text/event-stream" },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/event-stream");
    expect(res.headers["access-control-allow-origin"]).toBe("https://shop.example");
    const evts = parseSse(res.body);
    const text = evts
      .filter((e) => e.event === "token")
      .map((e) => (e.data as { text: string }).text)
      .join("");
    const done = evts.find((e) => e.event === "done")!.data as { message: { content: string } };
    expect(text).toBe(done.message.content);
    expect(evts.find((e) => e.event === "citation")?.data).toEqual({
      index: 1,
      title: "What are your opening hours?",
      url: null,
    });
    expect(evts.at(-1)!.event).toBe("done");
  });

  it("refuses an empty or too long message with a 400 and stores nothing", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const empty = await v.send("POST", v.url("/messages"), { content: "   " });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe("VALIDATION_FAILED");
    const long = await v.send("POST", v.url("/messages"), {
      content: "a".repeat(t.config.maxMessageChars + 1),
    });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe("MESSAGE_TOO_LONG");
    const rows = await t.app.ctx.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, v.conversationId));
    expect(rows).toEqual([]);
  });

  it("never shows internal notes or system records to the visitor", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    await v.send("POST", v.url("/messages"), { content: "hello" });
    await t.app.ctx.db.insert(messages).values([
      {
        id: newId("msg"),
        workspaceId: owner.wsId,
        conversationId: v.conversationId,
        role: "note",
        content: "VIP, be nice",
      },
      {
        id: newId("msg"),
        workspaceId: owner.wsId,
        conversationId: v.conversationId,
        role: "system",
        content: "assigned",
      },
      {
        id: newId("msg"),
        workspaceId: owner.wsId,
        conversationId: v.conversationId,
        role: "operator",
        content: "Hi, this is Sam from the team",
        authorId: owner.user.id,
      },
    ]);
    const list = await v.send("GET", v.url("/messages"));
    expect(list.json().messages.map((m: { role: string }) => m.role)).toEqual([
      "visitor",
      "assistant",
      "operator",
    ]);
    expect(list.body).not.toContain("VIP, be nice");
    expect(list.body).not.toContain("assigned");
  });

  it("takes thumbs up/down on answers only", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const turn = (
      await v.send("POST", v.url("/messages"), { content: "What are your opening hours?" })
    ).json();
    const down = await v.send("POST", v.url(`/messages/${turn.message.id}/feedback`), { value: -1 });
    expect(down.statusCode, down.body).toBe(200);
    const up = await v.send("POST", v.url(`/messages/${turn.message.id}/feedback`), { value: 1 });
    expect(up.statusCode).toBe(200);
    const [row] = await t.app.ctx.db.select().from(messages).where(eq(messages.id, turn.message.id));
    expect(row!.feedback).toBe(1);
    const own = await v.send("POST", v.url(`/messages/${turn.visitorMessageId}/feedback`), { value: 1 });
    expect(own.statusCode).toBe(404);
    const bad = await v.send("POST", v.url(`/messages/${turn.message.id}/feedback`), { value: 5 });
    expect(bad.statusCode).toBe(400);
    const list = await v.send("GET", v.url("/messages"));
    expect(list.json().messages[1].feedback).toBe(1);
  });

  it("records the end-of-chat rating", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    expect((await v.send("POST", v.url("/rating"), { rating: 0 })).statusCode).toBe(400);
    expect((await v.send("POST", v.url("/rating"), { rating: 6 })).statusCode).toBe(400);
    const res = await v.send("POST", v.url("/rating"), { rating: 4, comment: "Quick and kind" });
    expect(res.statusCode, res.body).toBe(200);
    expect(await conversationRow(v.conversationId)).toMatchObject({
      rating: 4,
      ratingComment: "Quick and kind",
    });
    expect((await v.send("GET", v.url("/messages"))).json().rating).toBe(4);
  });

  it("saves the contact form as a lead, and merges a later email into the existing contact", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const first = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const bad = await first.send("POST", first.url("/contact"), { name: "Ann" });
    expect(bad.statusCode).toBe(400);
    const res = await first.send("POST", first.url("/contact"), { name: "Ann", email: "Ann@Example.com" });
    expect(res.statusCode, res.body).toBe(200);
    const db = t.app.ctx.db;
    const conv = await conversationRow(first.conversationId);
    expect(conv.contactId).not.toBeNull();
    const leadRows = await db.select().from(leads).where(eq(leads.conversationId, first.conversationId));
    expect(leadRows).toHaveLength(1);
    expect(events).toContainEqual(
      expect.objectContaining({ type: "lead.captured", conversationId: first.conversationId }),
    );
    expect((await first.send("GET", first.url("/messages"))).json().hasContact).toBe(true);

    // A second visitor leaves a phone first, then the same email: one contact in the end.
    const second = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    expect((await second.send("POST", second.url("/contact"), { phone: "+66 81 234 5678" })).statusCode).toBe(
      200,
    );
    const merged = await second.send("POST", second.url("/contact"), { email: "ann@example.com" });
    expect(merged.statusCode, merged.body).toBe(200);
    const rows = await db.select().from(contacts).where(eq(contacts.workspaceId, owner.wsId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: "ann@example.com", name: "Ann", phone: "+66 81 234 5678" });
    expect((await conversationRow(second.conversationId)).contactId).toBe(rows[0]!.id);
  });

  it("hands the conversation to a person; the AI then stays quiet", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const res = await v.send("POST", v.url("/handoff"), { reason: "billing question" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: "waiting_human" });
    expect(await conversationRow(v.conversationId)).toMatchObject({ status: "waiting_human" });
    const requested = events.filter(
      (e) => e.type === "conversation.handoff_requested" && e.conversationId === v.conversationId,
    );
    expect(requested).toEqual([expect.objectContaining({ agentId: owner.agentId, workspaceId: owner.wsId })]);
    // Asking again does not notify the team twice.
    expect((await v.send("POST", v.url("/handoff"), {})).json()).toEqual({ status: "waiting_human" });
    const turn = await v.send("POST", v.url("/messages"), { content: "Are you there?" });
    expect(turn.statusCode).toBe(200);
    expect(turn.json()).toMatchObject({ status: "waiting_human", message: null });
    const rows = await t.app.ctx.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, v.conversationId), eq(messages.role, "assistant")));
    expect(rows).toEqual([]);
    expect(
      events.filter(
        (e) => e.type === "conversation.handoff_requested" && e.conversationId === v.conversationId,
      ),
    ).toHaveLength(1);
  });
});
