import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeOpenAI } from "../../../test/fake-llm.ts";
import { call, createTestApp, expectError, type TestApp } from "../../../test/harness.ts";
import {
  captureDirect,
  captureViaChat,
  fakeOpenAiEnv,
  type LeadOwner,
  leadsUrl,
  ownerWithAgent,
} from "../../../test/leads.ts";
import { conversations, leads } from "../../db/schema/index.ts";
import type { DomainEvent } from "../../platform/events.ts";

// Leads through the API: listing with filters and pages, the status pipeline and notes. Leads
// come from the capture_lead tool (through the test chat and the fake OpenAI server, or the
// tool's own function when many are needed).

let openai: FakeLlmServer;
let t: TestApp;
const events: Extract<DomainEvent, { type: "lead.updated" }>[] = [];

beforeAll(async () => {
  openai = await startFakeOpenAI();
  t = await createTestApp({ env: fakeOpenAiEnv(openai) });
  t.app.ctx.events.on("lead.updated", (e) => events.push(e));
});
afterAll(async () => {
  await t?.close();
  await openai?.close();
});

type Lead = {
  id: string;
  status: string;
  createdAt: string;
  contact: { name: string | null };
  latestNote: { id: string; body: string } | null;
};

async function list(o: LeadOwner, query = ""): Promise<{ leads: Lead[]; nextCursor: string | null }> {
  const res = await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, query));
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const names = async (o: LeadOwner, query: string) =>
  (await list(o, query)).leads.map((l) => l.contact.name).sort();

/** Sets when leads were captured (the database stamps it; filters by date need other days). */
async function backdate(ids: string[], at: string) {
  await t.app.ctx.db
    .update(leads)
    .set({ createdAt: new Date(at) })
    .where(inArray(leads.id, ids));
}

describe("listing leads", () => {
  it("shows a lead captured in a conversation with its contact, agent, conversation and status new", async () => {
    const o = await ownerWithAgent(t.app);
    const { conversationId, leadId } = await captureViaChat(t.app, openai, o, {
      name: "Jane Doe",
      email: "Jane@Example.com",
      phone: "+66 81 234 5678",
      note: "Wants a quote for 20 kg of beans",
    });
    const page = await list(o);
    expect(page.nextCursor).toBeNull();
    expect(page.leads).toHaveLength(1);
    const lead = page.leads[0]!;
    expect(lead).toMatchObject({
      id: leadId,
      status: "new",
      visitorNote: "Wants a quote for 20 kg of beans",
      contact: { name: "Jane Doe", email: "jane@example.com", phone: "+66 81 234 5678" },
      agent: { id: o.agentId, name: "Mia" },
      conversationId,
      channel: "test",
      statusChangedAt: null,
      latestNote: null,
    });
    expect(lead.createdAt).toBe((lead as unknown as { updatedAt: string }).updatedAt);

    const one = await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/${leadId}`));
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toEqual({ ...lead, notes: [] });
  });

  it("tells where each lead's conversation took place, and null once the conversation is gone", async () => {
    const o = await ownerWithAgent(t.app);
    const api = await captureDirect(t.app, o, { name: "Via API", email: "api@example.com" });
    const gone = await captureDirect(t.app, o, { name: "Gone", email: "gone@example.com" });
    await t.app.ctx.db.delete(conversations).where(eq(conversations.id, gone.conversationId));
    const byId = new Map((await list(o)).leads.map((l) => [l.id, l]));
    expect(byId.get(api.leadId)).toMatchObject({ channel: "api", conversationId: api.conversationId });
    expect(byId.get(gone.leadId)).toMatchObject({ channel: null, conversationId: null });
  });

  it("filters by status, agent, text in name, email or phone (any case, any script) and capture dates", async () => {
    const o = await ownerWithAgent(t.app);
    const second = await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.wsId}/agents`, {
      name: "Noi",
      provider: "openai",
      model: "gpt-4o-mini",
    });
    const noi = { wsId: o.wsId, agentId: second.json().id as string };
    const ivan = await captureDirect(t.app, o, { name: "Иван Петров", email: "ivan@example.ru" });
    const somchai = await captureDirect(t.app, noi, { name: "สมชาย ใจดี", phone: "+66 81 234 5678" });
    const odd = await captureDirect(t.app, o, { name: "100% Real_Name", email: "odd@example.com" });
    const won = await call(t.app, o.bearer, "PATCH", leadsUrl(o.wsId, `/${odd.leadId}`), { status: "won" });
    expect(won.statusCode, won.body).toBe(200);

    expect(await names(o, "?status=won")).toEqual(["100% Real_Name"]);
    expect(await names(o, "?status=new")).toEqual(["Иван Петров", "สมชาย ใจดี"].sort());
    expect(await names(o, `?agentId=${noi.agentId}`)).toEqual(["สมชาย ใจดี"]);
    expect(await names(o, `?q=${encodeURIComponent("иван")}`)).toEqual(["Иван Петров"]);
    expect(await names(o, `?q=${encodeURIComponent("ПЕТРОВ")}`)).toEqual(["Иван Петров"]);
    expect(await names(o, `?q=${encodeURIComponent("ใจดี")}`)).toEqual(["สมชาย ใจดี"]);
    expect(await names(o, "?q=IVAN%40EXAMPLE")).toEqual(["Иван Петров"]);
    expect(await names(o, `?q=${encodeURIComponent("81 234")}`)).toEqual(["สมชาย ใจดี"]);
    // Digits match whatever the spaces and dashes: typed differently than stored.
    expect(await names(o, `?q=${encodeURIComponent("81-234-5678")}`)).toEqual(["สมชาย ใจดี"]);
    // LIKE's wildcards are searched for literally.
    expect(await names(o, "?q=%25")).toEqual(["100% Real_Name"]);
    expect(await names(o, "?q=_")).toEqual(["100% Real_Name"]);
    expect(await names(o, "?q=example&status=new")).toEqual(["Иван Петров"]);
    expect(await names(o, "?q=nobody")).toEqual([]);

    await backdate([ivan.leadId], "2024-01-15T10:00:00.000Z");
    await backdate([somchai.leadId], "2024-02-01T00:00:00.000Z");
    expect(await names(o, "?from=2024-01-01&to=2024-01-31")).toEqual(["Иван Петров"]);
    // A bare date covers its whole day; a time is exact and inclusive.
    expect(await names(o, "?to=2024-01-15")).toEqual(["Иван Петров"]);
    expect(await names(o, "?from=2024-01-15T10:00:00Z&to=2024-01-15T10:00:00Z")).toEqual(["Иван Петров"]);
    expect(await names(o, "?from=2024-01-15T17:00:01%2B07:00&to=2024-02-01")).toEqual(["สมชาย ใจดี"]);
    expect(await names(o, "?from=2024-02-01")).toEqual(["100% Real_Name", "สมชาย ใจดี"].sort());

    const bad = (query: string) => call(t.app, o.bearer, "GET", leadsUrl(o.wsId, query));
    expectError(await bad("?from=2024-02-01&to=2024-01-01"), 400, "VALIDATION_FAILED");
    expectError(await bad("?from=yesterday"), 400, "VALIDATION_FAILED");
    expectError(await bad("?status=closed"), 400, "VALIDATION_FAILED");
    expectError(await bad("?agentId=mia"), 400, "VALIDATION_FAILED");
    expectError(await bad(`?q=${"x".repeat(201)}`), 400, "VALIDATION_FAILED");
    expectError(await bad("?colour=red"), 400, "VALIDATION_FAILED");
  });

  it("pages newest first; the cursor neither skips nor repeats leads, even captured in the same instant", async () => {
    const o = await ownerWithAgent(t.app);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await captureDirect(t.app, o, { email: `p${i}@example.com` })).leadId);

    const walk = async (limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(o, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
        expect(page.leads.length).toBeLessThanOrEqual(limit);
        seen.push(...page.leads.map((l) => l.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const all = (await list(o, "?limit=200")).leads;
    const times = all.map((l) => l.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(await walk(3)).toEqual(all.map((l) => l.id));
    expect(new Set(await walk(2))).toEqual(new Set(ids));

    // Microseconds apart within one millisecond, and exactly equal: the order is still total.
    await t.app.ctx.db.execute(
      sql`update leads set created_at = '2025-03-01 12:00:00.000001+00'::timestamptz + (random() < 0.5)::int * interval '1 microsecond' where workspace_id = ${o.wsId}`,
    );
    const tied = await walk(2);
    expect(tied).toHaveLength(7);
    expect(new Set(tied)).toEqual(new Set(ids));
    expect(await walk(1)).toEqual(tied);

    const bad = (query: string) => call(t.app, o.bearer, "GET", leadsUrl(o.wsId, query));
    expectError(await bad("?cursor=yesterday"), 400, "VALIDATION_FAILED");
    expectError(await bad(`?cursor=${Buffer.from("2025-01-01|led_x").toString("base64url")}`), 400);
    expectError(await bad("?limit=0"), 400, "VALIDATION_FAILED");
    expectError(await bad("?limit=201"), 400, "VALIDATION_FAILED");
  });

  it("answers 404 for a lead that does not exist and 400 for a malformed id", async () => {
    const o = await ownerWithAgent(t.app);
    expectError(
      await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, "/led_00000000000000000000")),
      404,
      "NOT_FOUND",
    );
    expectError(
      await call(t.app, o.bearer, "PATCH", leadsUrl(o.wsId, "/led_00000000000000000000"), { status: "won" }),
      404,
      "NOT_FOUND",
    );
    expectError(await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, "/42")), 400, "VALIDATION_FAILED");
  });
});

describe("the pipeline", () => {
  it("moves a lead between any of the five statuses, audits each move and emits lead.updated", async () => {
    const o = await ownerWithAgent(t.app);
    const { leadId } = await captureViaChat(t.app, openai, o, { name: "Mark", email: "mark@example.com" });
    const url = leadsUrl(o.wsId, `/${leadId}`);
    const moves = ["contacted", "qualified", "won", "lost", "contacted", "new", "lost"];
    let previous = (await call(t.app, o.bearer, "GET", url)).json();
    for (const status of moves) {
      const res = await call(t.app, o.bearer, "PATCH", url, { status });
      expect(res.statusCode, res.body).toBe(200);
      const lead = res.json();
      expect(lead.status).toBe(status);
      expect(lead.statusChangedAt).not.toBeNull();
      expect(lead.updatedAt >= previous.updatedAt).toBe(true);
      expect(lead.createdAt).toBe(previous.createdAt);
      previous = lead;
    }
    expect((await call(t.app, o.bearer, "GET", url)).json().status).toBe("lost");

    const mine = events.filter((e) => e.leadId === leadId && e.change === "status");
    expect(mine.map((e) => e.status)).toEqual(moves);
    expect(mine[0]).toMatchObject({ workspaceId: o.wsId, contactId: expect.stringMatching(/^ctc_/) });

    const audit = await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/audit-log?limit=50`);
    const entries = audit
      .json()
      .entries.filter((e: { action: string }) => e.action === "lead.status_changed")
      .reverse();
    expect(entries.map((e: { metadata: unknown }) => e.metadata)).toEqual(
      moves.map((to, i) => ({ from: i === 0 ? "new" : moves[i - 1], to })),
    );
    expect(entries[0]).toMatchObject({ actorUserId: o.user.id, targetType: "lead", targetId: leadId });

    // The status it already has: accepted, but nothing happened, so nothing is recorded.
    const again = await call(t.app, o.bearer, "PATCH", url, { status: "lost" });
    expect(again.statusCode).toBe(200);
    expect(again.json().statusChangedAt).toBe(previous.statusChangedAt);
    expect(events.filter((e) => e.leadId === leadId && e.change === "status")).toHaveLength(moves.length);
  });

  it("refuses a status outside the pipeline with 400 and leaves the lead as it was", async () => {
    const o = await ownerWithAgent(t.app);
    const { leadId } = await captureDirect(t.app, o, { email: "stays@example.com" });
    const url = leadsUrl(o.wsId, `/${leadId}`);
    for (const body of [
      { status: "closed" },
      { status: "WON" },
      { status: "" },
      { status: null },
      { status: 3 },
      {},
      { status: "won", note: "extra field" },
    ]) {
      const err = expectError(await call(t.app, o.bearer, "PATCH", url, body), 400, "VALIDATION_FAILED");
      expect(err.message.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    expectError(
      await call(t.app, o.bearer, "PATCH", url, "won", { "content-type": "application/json" }),
      400,
    );
    const lead = (await call(t.app, o.bearer, "GET", url)).json();
    expect(lead).toMatchObject({ status: "new", statusChangedAt: null });
  });
});

describe("notes", () => {
  it("adds notes (newest first, the latest one in the list) and keeps them within 1 to 5000 characters", async () => {
    const o = await ownerWithAgent(t.app);
    const { leadId } = await captureDirect(t.app, o, { name: "Olga", email: "olga@example.ru" });
    const notesUrl = leadsUrl(o.wsId, `/${leadId}/notes`);
    const first = await call(t.app, o.bearer, "POST", notesUrl, { body: "  Called, left a voicemail.  " });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      id: expect.stringMatching(/^lnt_/),
      body: "Called, left a voicemail.",
      author: { id: o.user.id, name: o.user.name },
    });
    const second = await call(t.app, o.bearer, "POST", notesUrl, {
      body: "Перезвонила, хочет 20 кг. ลูกค้าสนใจ",
    });
    expect(second.statusCode, second.body).toBe(201);

    const detail = (await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/${leadId}`))).json();
    expect(detail.notes.map((n: { id: string }) => n.id)).toEqual([second.json().id, first.json().id]);
    expect(detail.latestNote).toEqual(second.json());
    expect(detail.updatedAt >= second.json().createdAt).toBe(true);
    const listed = (await list(o)).leads.find((l) => l.id === leadId)!;
    expect(listed.latestNote).toEqual(second.json());
    expect(events.filter((e) => e.leadId === leadId && e.change === "note")).toHaveLength(2);

    expectError(await call(t.app, o.bearer, "POST", notesUrl, { body: "   " }), 400, "VALIDATION_FAILED");
    expectError(
      await call(t.app, o.bearer, "POST", notesUrl, { body: "x".repeat(5001) }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(await call(t.app, o.bearer, "POST", notesUrl, {}), 400, "VALIDATION_FAILED");
    const longest = await call(t.app, o.bearer, "POST", notesUrl, { body: "ก".repeat(5000) });
    expect(longest.statusCode, longest.body).toBe(201);
    expectError(
      await call(t.app, o.bearer, "POST", leadsUrl(o.wsId, "/led_00000000000000000000/notes"), {
        body: "hi",
      }),
      404,
      "NOT_FOUND",
    );
  });

  it("a note is deleted by its author or an owner/admin, not by another operator; admins' deletions are audited", async () => {
    const { addMember, signUp } = await import("../../../test/harness.ts");
    const o = await ownerWithAgent(t.app);
    const [admin, op1, op2] = await Promise.all([signUp(t.app), signUp(t.app), signUp(t.app)]);
    await addMember(t.app, o.bearer, o.wsId, admin!, "admin");
    await addMember(t.app, o.bearer, o.wsId, op1!, "operator");
    await addMember(t.app, o.bearer, o.wsId, op2!, "operator");
    const { leadId } = await captureDirect(t.app, o, { email: "notes@example.com" });
    const notesUrl = leadsUrl(o.wsId, `/${leadId}/notes`);
    const write = async (who: typeof op1) => {
      const res = await call(t.app, who!.bearer, "POST", notesUrl, { body: `by ${who!.user.id}` });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const a = await write(op1);
    const b = await write(op1);

    expectError(await call(t.app, op2!.bearer, "DELETE", `${notesUrl}/${a}`), 403, "FORBIDDEN");
    expect((await call(t.app, op1!.bearer, "DELETE", `${notesUrl}/${a}`)).statusCode).toBe(204);
    expectError(await call(t.app, op1!.bearer, "DELETE", `${notesUrl}/${a}`), 404, "NOT_FOUND");
    expect((await call(t.app, admin!.bearer, "DELETE", `${notesUrl}/${b}`)).statusCode).toBe(204);
    const c = await write(op2);
    expect((await call(t.app, o.bearer, "DELETE", `${notesUrl}/${c}`)).statusCode).toBe(204);

    const detail = (await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/${leadId}`))).json();
    expect(detail.notes).toEqual([]);
    expect(detail.latestNote).toBeNull();

    const audit = (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/audit-log`)).json();
    const deleted = audit.entries.filter((e: { action: string }) => e.action === "lead.note_deleted");
    expect(
      deleted.map((e: { actorUserId: string; metadata: unknown }) => [e.actorUserId, e.metadata]),
    ).toEqual([
      [o.user.id, { noteId: c, authorId: op2!.user.id }],
      [admin!.user.id, { noteId: b, authorId: op1!.user.id }],
    ]);
  });
});

describe("API reference", () => {
  it("documents the lead and contact routes under their tags, the export as text/csv", async () => {
    const spec = (await call(t.app, { headers: {} }, "GET", "/api/openapi.json")).json();
    const leadsPath = spec.paths["/api/v1/workspaces/{workspaceId}/leads"];
    expect(leadsPath.get.tags).toEqual(["Leads"]);
    expect(leadsPath.get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["status", "agentId", "q", "from", "to", "limit", "cursor"]),
    );
    const exportPath = spec.paths["/api/v1/workspaces/{workspaceId}/leads/export.csv"];
    expect(Object.keys(exportPath.get.responses["200"].content)).toEqual(["text/csv"]);
    const lead = spec.paths["/api/v1/workspaces/{workspaceId}/leads/{leadId}"];
    expect(lead.patch.requestBody.content["application/json"].schema.properties.status.enum).toEqual([
      "new",
      "contacted",
      "qualified",
      "won",
      "lost",
    ]);
    expect(spec.paths["/api/v1/workspaces/{workspaceId}/leads/{leadId}/notes/{noteId}"].delete.tags).toEqual([
      "Leads",
    ]);
    const contact = spec.paths["/api/v1/workspaces/{workspaceId}/contacts/{contactId}"];
    expect(contact.patch.tags).toEqual(["Contacts"]);
    expect(contact.patch.responses["200"].content["application/json"].schema).toBeDefined();
  });
});
