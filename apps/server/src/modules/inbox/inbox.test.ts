import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  call,
  createTestApp,
  createWorkspace,
  expectError,
  outboxFor,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { type AgentOwner, ownerWithAgent } from "../../../test/knowledge.ts";
import { eventually } from "../../../test/smtp-server.ts";

// The inbox as operators use it: list and filter, transcript, takeover (the AI goes quiet),
// replies and notes, assignment, handoff routing, canned responses — and who may do what.

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_MAX: "10000", AUTH_RATE_LIMIT_MAX: "10000" } });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => t?.close());
// Sockets a test opened are closed even when it fails, so presence never leaks into the next test.
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

const inboxUrl = (o: { wsId: string }, rest = "") =>
  `/api/v1/workspaces/${o.wsId}/inbox/conversations${rest}`;

async function visitorSays(o: AgentOwner, message: string, conversationId?: string) {
  const res = await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/agents/${o.agentId}/chat`, {
    message,
    ...(conversationId ? { conversationId } : {}),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { conversationId: string; status: string; message: { content: string } | null };
}

function inboxSocket(token: string): Promise<Socket> {
  const s = connect(`${url}/inbox`, { auth: { token }, transports: ["websocket"], forceNew: true });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

const emitAck = (s: Socket, event: string, payload: unknown) =>
  new Promise<{ ok: boolean; error?: { code: string } }>((resolve) => s.emit(event, payload, resolve));

describe("inbox", () => {
  let o: AgentOwner;
  let operator: SignedUp;
  let viewer: SignedUp;
  beforeAll(async () => {
    o = await ownerWithAgent(t.app);
    operator = await signUp(t.app, { name: "Olga" });
    viewer = await signUp(t.app, { name: "Vic" });
    await addMember(t.app, o.bearer, o.wsId, operator, "operator");
    await addMember(t.app, o.bearer, o.wsId, viewer, "viewer");
  });

  it("lists conversations with their last message and unread count, and reading clears it", async () => {
    const a = await visitorSays(o, "Do you deliver to Chiang Mai?");
    await visitorSays(o, "And on Sundays?", a.conversationId);
    const list = await call(t.app, operator.bearer, "GET", inboxUrl(o));
    expect(list.statusCode, list.body).toBe(200);
    const row = list.json().conversations.find((c: { id: string }) => c.id === a.conversationId);
    expect(row).toMatchObject({ status: "ai", unreadCount: 2, agentName: "Mia", assigneeId: null });
    expect(row.lastMessage.role).toBe("assistant");

    const tr = await call(t.app, operator.bearer, "GET", inboxUrl(o, `/${a.conversationId}`));
    expect(tr.statusCode, tr.body).toBe(200);
    expect(tr.json().messages.map((m: { role: string }) => m.role)).toEqual([
      "visitor",
      "assistant",
      "visitor",
      "assistant",
    ]);
    const again = await call(t.app, operator.bearer, "GET", inboxUrl(o, `?unread=true`));
    expect(again.json().conversations.some((c: { id: string }) => c.id === a.conversationId)).toBe(false);
  });

  it("filters by status, assignee and text, and pages with a cursor", async () => {
    const ids: string[] = [];
    for (const q of ["Opening hours?", "Is there parking?", "Do you sell gift cards?"]) {
      ids.push((await visitorSays(o, q)).conversationId);
    }
    const found = await call(t.app, o.bearer, "GET", inboxUrl(o, "?q=parking"));
    expect(found.json().conversations.map((c: { id: string }) => c.id)).toEqual([ids[1]]);

    await call(t.app, operator.bearer, "POST", inboxUrl(o, `/${ids[2]}/takeover`));
    const mine = await call(t.app, operator.bearer, "GET", inboxUrl(o, "?assignee=me"));
    expect(mine.json().conversations.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
    const human = await call(t.app, o.bearer, "GET", inboxUrl(o, "?status=human"));
    expect(human.json().conversations.map((c: { id: string }) => c.id)).toContain(ids[2]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json(): { conversations: { id: string }[]; nextCursor: string | null } } = await call(
        t.app,
        o.bearer,
        "GET",
        inboxUrl(o, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`),
      );
      seen.push(...page.json().conversations.map((c) => c.id));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
    expectError(await call(t.app, o.bearer, "GET", inboxUrl(o, "?cursor=bm9wZQ")), 400, "VALIDATION_FAILED");
  });

  it("takeover silences the AI, the operator's reply reaches the visitor socket, hand back resumes the AI", async () => {
    const c = await visitorSays(o, "I want to talk about my order");
    const take = await call(t.app, operator.bearer, "POST", inboxUrl(o, `/${c.conversationId}/takeover`));
    expect(take.json()).toMatchObject({ status: "human", assigneeId: operator.user.id });

    const quiet = await visitorSays(o, "Hello? Anyone?", c.conversationId);
    expect(quiet).toMatchObject({ status: "human", message: null });

    // The visitor's live channel, authenticated by the widget's visitor token.
    const token = `vt_${"x".repeat(40)}_${c.conversationId}`;
    const { hashVisitorToken } = await import("../widget/visitor-token.ts");
    await t.database.query(
      "update conversations set visitor_token_hash = $1, visitor_token_expires_at = now() + interval '1 day' where id = $2",
      [hashVisitorToken(token), c.conversationId],
    );
    const visitor = connect(`${url}/visitor`, { auth: { token }, transports: ["websocket"], forceNew: true });
    sockets.push(visitor);
    await new Promise<void>((resolve, reject) => {
      visitor.once("connect", () => resolve());
      visitor.once("connect_error", reject);
    });
    const got = new Promise<{ role: string; content: string; authorName: string }>((resolve) =>
      visitor.once("message", resolve),
    );
    const reply = await call(t.app, operator.bearer, "POST", inboxUrl(o, `/${c.conversationId}/messages`), {
      content: "Hi, this is Olga. Let me check your order.",
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(await got).toMatchObject({
      role: "operator",
      content: "Hi, this is Olga. Let me check your order.",
      authorName: "Olga",
    });

    const status = new Promise<{ status: string }>((resolve) => visitor.once("status", resolve));
    const back = await call(t.app, operator.bearer, "POST", inboxUrl(o, `/${c.conversationId}/handback`));
    expect(back.json()).toMatchObject({ status: "ai", assigneeId: null });
    expect(await status).toEqual({ status: "ai" });
    visitor.close();
    const answered = await visitorSays(o, "Thanks, what are your opening hours?", c.conversationId);
    expect(answered.message).not.toBeNull();
  });

  it("keeps internal notes from the visitor and the model, and expands canned shortcuts", async () => {
    const created = await call(
      t.app,
      operator.bearer,
      "POST",
      `/api/v1/workspaces/${o.wsId}/canned-responses`,
      {
        shortcut: "Hours",
        title: "Opening hours",
        body: "We are open 8:00–18:00 every day.",
      },
    );
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().shortcut).toBe("hours");
    expectError(
      await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/canned-responses`, {
        shortcut: "HOURS",
        title: "dup",
        body: "x",
      }),
      409,
      "ALREADY_EXISTS",
    );
    const c = await visitorSays(o, "When are you open?");
    const note = await call(t.app, operator.bearer, "POST", inboxUrl(o, `/${c.conversationId}/notes`), {
      content: "VIP customer, be nice",
    });
    expect(note.json()).toMatchObject({ role: "note", authorName: "Olga" });
    const reply = await call(t.app, operator.bearer, "POST", inboxUrl(o, `/${c.conversationId}/messages`), {
      content: "/hours",
    });
    expect(reply.json()).toMatchObject({ role: "operator", content: "We are open 8:00–18:00 every day." });
    // Thai shortcuts carry vowel and tone marks (combining characters).
    const thai = await call(t.app, operator.bearer, "POST", `/api/v1/workspaces/${o.wsId}/canned-responses`, {
      shortcut: "ส่งฟรี",
      title: "ส่งฟรี",
      body: "ส่งฟรีเมื่อสั่งครบ 500 บาท",
    });
    expect(thai.statusCode, thai.body).toBe(201);
    const thaiReply = await call(
      t.app,
      operator.bearer,
      "POST",
      inboxUrl(o, `/${c.conversationId}/messages`),
      {
        content: "/ส่งฟรี",
      },
    );
    expect(thaiReply.json().content).toBe("ส่งฟรีเมื่อสั่งครบ 500 บาท");
    const tr = await call(t.app, o.bearer, "GET", inboxUrl(o, `/${c.conversationId}`));
    expect(tr.json().messages.map((m: { role: string }) => m.role)).toEqual([
      "visitor",
      "assistant",
      "note",
      "operator",
      "operator",
    ]);
    expect(tr.json().conversation.lastMessage.role).toBe("operator");
    // Replying took the unheld conversation over; a teammate's reply leaves it with Olga.
    expect(tr.json().conversation).toMatchObject({ status: "human", assigneeId: operator.user.id });
    await call(t.app, o.bearer, "POST", inboxUrl(o, `/${c.conversationId}/messages`), {
      content: "Owner here too",
    });
    const after = await call(t.app, o.bearer, "GET", inboxUrl(o, `/${c.conversationId}`));
    expect(after.json().conversation).toMatchObject({ status: "human", assigneeId: operator.user.id });
  });

  it("resolves, reopens and assigns; refuses assignees who may not reply", async () => {
    const c = await visitorSays(o, "Thanks, bye");
    expectError(
      await call(t.app, o.bearer, "POST", inboxUrl(o, `/${c.conversationId}/reopen`)),
      409,
      "CONFLICT",
    );
    const res = await call(t.app, o.bearer, "POST", inboxUrl(o, `/${c.conversationId}/resolve`));
    expect(res.json().status).toBe("resolved");
    const re = await call(t.app, o.bearer, "POST", inboxUrl(o, `/${c.conversationId}/reopen`));
    expect(re.json().status).toBe("ai");
    const as = await call(t.app, o.bearer, "POST", inboxUrl(o, `/${c.conversationId}/assign`), {
      userId: operator.user.id,
    });
    expect(as.json()).toMatchObject({ assigneeId: operator.user.id, assigneeName: "Olga" });
    expectError(
      await call(t.app, o.bearer, "POST", inboxUrl(o, `/${c.conversationId}/assign`), {
        userId: viewer.user.id,
      }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("lets viewers read but not reply, take over or manage canned responses", async () => {
    const c = await visitorSays(o, "Question from a viewer test");
    expect((await call(t.app, viewer.bearer, "GET", inboxUrl(o, `/${c.conversationId}`))).statusCode).toBe(
      200,
    );
    for (const path of ["takeover", "resolve"]) {
      expectError(
        await call(t.app, viewer.bearer, "POST", inboxUrl(o, `/${c.conversationId}/${path}`)),
        403,
        "FORBIDDEN",
      );
    }
    expectError(
      await call(t.app, viewer.bearer, "POST", inboxUrl(o, `/${c.conversationId}/messages`), {
        content: "hi",
      }),
      403,
      "FORBIDDEN",
    );
    expectError(
      await call(t.app, viewer.bearer, "POST", `/api/v1/workspaces/${o.wsId}/canned-responses`, {
        shortcut: "x",
        title: "x",
        body: "x",
      }),
      403,
      "FORBIDDEN",
    );
  });

  it("streams workspace events to members' sockets and refuses outsiders", async () => {
    const s = await inboxSocket(operator.token);
    expect(await emitAck(s, "join", { workspaceId: o.wsId })).toEqual({ ok: true });
    const created = new Promise<{ conversationId: string; role: string }>((resolve) =>
      s.on("message.created", (e) => {
        if (e.role === "visitor") resolve(e);
      }),
    );
    const opened = new Promise<{ conversationId: string; channel: string }>((resolve) =>
      s.once("conversation.created", resolve),
    );
    const c = await visitorSays(o, "Live event please");
    expect((await created).conversationId).toBe(c.conversationId);
    expect(await opened).toMatchObject({ conversationId: c.conversationId, channel: "test" });

    // Typing reaches other operators watching the conversation.
    const other = await inboxSocket(o.token);
    await emitAck(other, "join", { workspaceId: o.wsId });
    expect(await emitAck(other, "watch", { conversationId: c.conversationId })).toEqual({ ok: true });
    expect(await emitAck(s, "watch", { conversationId: c.conversationId })).toEqual({ ok: true });
    // A watcher sees the AI's answer as it is written, in pieces that add up to the answer.
    let streamed = "";
    other.on("message.delta", (e: { conversationId: string; text: string }) => {
      if (e.conversationId === c.conversationId) streamed += e.text;
    });
    const next = await visitorSays(o, "And one more thing", c.conversationId);
    await eventually(async () => streamed === next.message?.content || undefined);
    expect(streamed).toBe(next.message?.content);
    const typing = new Promise<{ who: string; typing: boolean }>((resolve) => other.once("typing", resolve));
    s.emit("typing", { conversationId: c.conversationId, typing: true });
    expect(await typing).toMatchObject({ who: "operator", typing: true });

    const stranger = await signUp(t.app);
    const x = await inboxSocket(stranger.token);
    expect(await emitAck(x, "join", { workspaceId: o.wsId })).toMatchObject({
      ok: false,
      error: { code: "NOT_FOUND" },
    });
    expect(await emitAck(x, "watch", { conversationId: c.conversationId })).toMatchObject({ ok: false });
    await expect(inboxSocket("not-a-session")).rejects.toThrow(/UNAUTHENTICATED/);
    for (const sock of [s, other, x]) sock.close();
  });

  it("routes a handoff to the least busy online operator, or emails the team when nobody is online", async () => {
    const c = await visitorSays(o, "I need a person");
    // Nobody online: everyone who may reply gets an email.
    t.app.ctx.events.emit({
      type: "conversation.handoff_requested",
      workspaceId: o.wsId,
      conversationId: c.conversationId,
      agentId: o.agentId,
      reason: "visitor asked",
    });
    const mail = await eventually(async () =>
      (await outboxFor(t.database, operator.user.email)).find((m) => m.template === "handoff-requested"),
    );
    expect(mail?.text).toContain(`/inbox/${c.conversationId}`);
    expect(
      (await outboxFor(t.database, viewer.user.email)).some((m) => m.template === "handoff-requested"),
    ).toBe(false);

    // Olga online: the next handoff is hers.
    const s = await inboxSocket(operator.token);
    await emitAck(s, "join", { workspaceId: o.wsId });
    const d = await visitorSays(o, "Another person please");
    t.app.ctx.events.emit({
      type: "conversation.handoff_requested",
      workspaceId: o.wsId,
      conversationId: d.conversationId,
      agentId: o.agentId,
      reason: "visitor asked",
    });
    const assigned = await eventually(async () => {
      const r = await call(t.app, o.bearer, "GET", inboxUrl(o, `/${d.conversationId}`));
      return r.json().conversation.assigneeId as string | null;
    });
    expect(assigned).toBe(operator.user.id);
    s.close();
  });
});

describe("inbox tenant isolation", () => {
  it("hides one workspace's conversations, transcripts, actions and canned responses from another", async () => {
    const a = await ownerWithAgent(t.app);
    const b = await signUp(t.app);
    const bws = await createWorkspace(t.app, b.bearer, "Other");
    const c = await visitorSays(a, "Private question");
    const canned = await call(t.app, a.bearer, "POST", `/api/v1/workspaces/${a.wsId}/canned-responses`, {
      shortcut: "secret",
      title: "Secret",
      body: "A's text",
    });
    // B using A's workspace id, and B using A's conversation id inside B's own workspace.
    expectError(await call(t.app, b.bearer, "GET", inboxUrl(a)), 404, "NOT_FOUND");
    expectError(
      await call(t.app, b.bearer, "GET", inboxUrl({ wsId: bws.id }, `/${c.conversationId}`)),
      404,
      "NOT_FOUND",
    );
    for (const path of ["takeover", "resolve", "handback"]) {
      expectError(
        await call(t.app, b.bearer, "POST", inboxUrl({ wsId: bws.id }, `/${c.conversationId}/${path}`)),
        404,
        "NOT_FOUND",
      );
    }
    expectError(
      await call(t.app, b.bearer, "POST", inboxUrl({ wsId: bws.id }, `/${c.conversationId}/messages`), {
        content: "x",
      }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await call(
        t.app,
        b.bearer,
        "PATCH",
        `/api/v1/workspaces/${bws.id}/canned-responses/${canned.json().id}`,
        {
          body: "stolen",
        },
      ),
      404,
      "NOT_FOUND",
    );
    const list = await call(t.app, b.bearer, "GET", inboxUrl({ wsId: bws.id }, "?q=Private"));
    expect(list.json().conversations).toEqual([]);
    const cannedB = await call(t.app, b.bearer, "GET", `/api/v1/workspaces/${bws.id}/canned-responses`);
    expect(cannedB.json().cannedResponses).toEqual([]);
  });
});
