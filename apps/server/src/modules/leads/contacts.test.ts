import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeOpenAI } from "../../../test/fake-llm.ts";
import { call, createTestApp, expectError, type TestApp } from "../../../test/harness.ts";
import {
  captureDirect,
  captureViaChat,
  contactsUrl,
  fakeOpenAiEnv,
  type LeadOwner,
  leadsUrl,
  ownerWithAgent,
} from "../../../test/leads.ts";
import { contacts, conversations } from "../../db/schema/index.ts";
import type { DomainEvent } from "../../platform/events.ts";
import { mergeContactByEmail } from "./index.ts";

// Contacts: listing, editing, and merging two contacts when one takes the other's email,
// including merges racing each other and the capture_lead tool.

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

const contactOf = async (o: LeadOwner, leadId: string): Promise<string> =>
  (await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/${leadId}`))).json().contact.id;

async function contactRows(wsId: string) {
  return t.app.ctx.db.select().from(contacts).where(eq(contacts.workspaceId, wsId));
}

const mergeDeps = () => ({ db: t.app.ctx.db, audit: t.app.ctx.audit, events: t.app.ctx.events });

describe("contacts", () => {
  it("lists contacts newest first with their lead count, searches and pages them", async () => {
    const o = await ownerWithAgent(t.app);
    await captureDirect(t.app, o, { name: "Алина", email: "alina@example.ru" });
    await captureDirect(t.app, o, { name: "Alina again", email: "ALINA@example.ru" });
    await captureDirect(t.app, o, { name: "นภา", phone: "+66 2 123 4567" });
    for (let i = 0; i < 4; i++) await captureDirect(t.app, o, { email: `c${i}@example.com` });

    const all = (await call(t.app, o.bearer, "GET", contactsUrl(o.wsId))).json();
    expect(all.contacts).toHaveLength(6);
    expect(all.nextCursor).toBeNull();
    const alina = all.contacts.find((c: { email: string }) => c.email === "alina@example.ru");
    // The second capture with the same email (any case) joined the first contact.
    expect(alina).toMatchObject({ name: "Alina again", leadCount: 2 });

    const search = async (q: string) =>
      (await call(t.app, o.bearer, "GET", contactsUrl(o.wsId, `?q=${encodeURIComponent(q)}`)))
        .json()
        .contacts.map((c: { id: string }) => c.id);
    expect(await search("ALINA@")).toEqual([alina.id]);
    expect(await search("นภา")).toHaveLength(1);
    expect(await search("2-123-4567")).toHaveLength(1);
    expect(await search("nobody")).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        t.app,
        o.bearer,
        "GET",
        contactsUrl(o.wsId, `?limit=4${cursor ? `&cursor=${cursor}` : ""}`),
      );
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().contacts.map((c: { id: string }) => c.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.contacts.map((c: { id: string }) => c.id));
    expectError(
      await call(t.app, o.bearer, "GET", contactsUrl(o.wsId, "?cursor=nope")),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("shows a contact with its leads and conversations", async () => {
    const o = await ownerWithAgent(t.app);
    const first = await captureViaChat(t.app, openai, o, { name: "Dana", email: "dana@example.com" });
    const second = await captureViaChat(t.app, openai, o, {
      email: "Dana@Example.com",
      note: "Second visit",
    });
    const contactId = await contactOf(o, first.leadId);
    expect(await contactOf(o, second.leadId)).toBe(contactId);

    const res = await call(t.app, o.bearer, "GET", contactsUrl(o.wsId, `/${contactId}`));
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({
      id: contactId,
      name: "Dana",
      email: "dana@example.com",
      phone: null,
      leadCount: 2,
    });
    expect(c.leads.map((l: { id: string }) => l.id).sort()).toEqual([first.leadId, second.leadId].sort());
    expect(c.leads[0]).toMatchObject({ status: "new", agentId: o.agentId });
    expect(c.conversationIds.sort()).toEqual([first.conversationId, second.conversationId].sort());
    expectError(
      await call(t.app, o.bearer, "GET", contactsUrl(o.wsId, "/ctc_00000000000000000000")),
      404,
      "NOT_FOUND",
    );
  });

  it("edits name, email and phone, clears one with null, and refuses bad values", async () => {
    const o = await ownerWithAgent(t.app);
    const { leadId } = await captureDirect(t.app, o, { name: "Eve", phone: "+7 912 345-67-89" });
    const contactId = await contactOf(o, leadId);
    const url = contactsUrl(o.wsId, `/${contactId}`);

    const res = await call(t.app, o.bearer, "PATCH", url, { name: "Ева Смирнова", email: "Eva@Example.RU" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: contactId,
      name: "Ева Смирнова",
      email: "eva@example.ru",
      phone: "+7 912 345-67-89",
      mergedContactId: null,
    });
    const cleared = await call(t.app, o.bearer, "PATCH", url, { phone: null });
    expect(cleared.json()).toMatchObject({ phone: null, email: "eva@example.ru" });
    const lead = (await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/${leadId}`))).json();
    expect(lead.contact).toEqual({
      id: contactId,
      name: "Ева Смирнова",
      email: "eva@example.ru",
      phone: null,
    });
    expect(events.filter((e) => e.leadId === leadId && e.change === "contact")).toHaveLength(2);

    for (const body of [
      {},
      { email: "not-an-email" },
      { phone: "call me" },
      { name: "" },
      { name: "x".repeat(201) },
      { website: "https://example.com" },
    ]) {
      expectError(await call(t.app, o.bearer, "PATCH", url, body), 400, "VALIDATION_FAILED");
    }
    const audit = (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/audit-log`)).json();
    const updates = audit.entries.filter((e: { action: string }) => e.action === "contact.updated");
    expect(updates.map((e: { metadata: unknown }) => e.metadata)).toEqual([
      { fields: ["phone"] },
      { fields: ["name", "email"] },
    ]);
  });
});

describe("merging contacts by email", () => {
  it("an email another contact has merges the two: leads and conversations move to the one that had it", async () => {
    const o = await ownerWithAgent(t.app);
    const kept = await captureViaChat(t.app, openai, o, { name: "Frank", email: "frank@example.com" });
    const other = await captureViaChat(t.app, openai, o, { phone: "+44 20 7946 0958", note: "Call after 5" });
    const keptId = await contactOf(o, kept.leadId);
    const otherId = await contactOf(o, other.leadId);
    expect(otherId).not.toBe(keptId);

    const res = await call(t.app, o.bearer, "PATCH", contactsUrl(o.wsId, `/${otherId}`), {
      email: "FRANK@example.com",
    });
    expect(res.statusCode, res.body).toBe(200);
    const merged = res.json();
    expect(merged).toMatchObject({
      id: keptId,
      mergedContactId: otherId,
      name: "Frank",
      email: "frank@example.com",
      // The survivor had no phone: it takes the merged contact's.
      phone: "+44 20 7946 0958",
      leadCount: 2,
    });
    expect(merged.leads.map((l: { id: string }) => l.id).sort()).toEqual([kept.leadId, other.leadId].sort());
    expect(merged.conversationIds.sort()).toEqual([kept.conversationId, other.conversationId].sort());
    expectError(await call(t.app, o.bearer, "GET", contactsUrl(o.wsId, `/${otherId}`)), 404, "NOT_FOUND");
    expect(await contactOf(o, other.leadId)).toBe(keptId);
    const [conv] = await t.app.ctx.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, other.conversationId));
    expect(conv!.contactId).toBe(keptId);
    expect((await contactRows(o.wsId)).map((c) => c.id)).toEqual([keptId]);

    expect(
      events
        .filter((e) => e.contactId === keptId && e.change === "contact")
        .map((e) => e.leadId)
        .sort(),
    ).toEqual([kept.leadId, other.leadId].sort());
    const audit = (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/audit-log`)).json();
    expect(audit.entries.find((e: { action: string }) => e.action === "contact.merged")).toMatchObject({
      actorUserId: o.user.id,
      targetType: "contact",
      targetId: keptId,
      metadata: { mergedContactId: otherId, leadsMoved: 1, conversationsMoved: 1 },
    });

    // The visitor comes back and leaves the same email: the lead joins the merged contact.
    const later = await captureViaChat(t.app, openai, o, { email: "frank@example.com" });
    expect(await contactOf(o, later.leadId)).toBe(keptId);
  });

  it("values given with the email win over both contacts' own", async () => {
    const o = await ownerWithAgent(t.app);
    const a = await captureDirect(t.app, o, {
      name: "Gina",
      email: "gina@example.com",
      phone: "+1 555 0100",
    });
    const b = await captureDirect(t.app, o, { name: "G.", phone: "+1 555 0199" });
    const res = await call(
      t.app,
      o.bearer,
      "PATCH",
      contactsUrl(o.wsId, `/${await contactOf(o, b.leadId)}`),
      {
        email: "gina@example.com",
        name: "Gina Rossi",
      },
    );
    expect(res.json()).toMatchObject({
      id: await contactOf(o, a.leadId),
      name: "Gina Rossi",
      phone: "+1 555 0100",
      leadCount: 2,
    });
  });

  it("contacts racing to the same email end as one contact holding every lead", async () => {
    const o = await ownerWithAgent(t.app);
    const leads = [];
    for (let i = 0; i < 6; i++)
      leads.push(await captureDirect(t.app, o, { phone: `+66 80 000 00${10 + i}` }));
    const ids = await Promise.all(leads.map((l) => contactOf(o, l.leadId)));
    expect(new Set(ids).size).toBe(6);

    const results = await Promise.all(
      ids.map((id, i) =>
        call(t.app, o.bearer, "PATCH", contactsUrl(o.wsId, `/${id}`), {
          email: i % 2 ? "Race@Example.com" : "race@example.com",
        }),
      ),
    );
    for (const r of results) expect(r.statusCode, r.body).toBe(200);
    const survivors = new Set(results.map((r) => r.json().id));
    expect(survivors.size).toBe(1);
    const [survivor] = survivors;
    expect(results.filter((r) => r.json().mergedContactId === null)).toHaveLength(1);

    const rows = await contactRows(o.wsId);
    expect(rows.map((c) => [c.id, c.email])).toEqual([[survivor, "race@example.com"]]);
    const detail = (await call(t.app, o.bearer, "GET", contactsUrl(o.wsId, `/${survivor}`))).json();
    expect(detail.leads.map((l: { id: string }) => l.id).sort()).toEqual(leads.map((l) => l.leadId).sort());
    expect(detail.conversationIds.sort()).toEqual(leads.map((l) => l.conversationId).sort());
  });

  it("mergeContactByEmail racing capture_lead with the same email never leaves two contacts", async () => {
    const o = await ownerWithAgent(t.app);
    for (let round = 0; round < 5; round++) {
      const email = `visitor${round}@example.com`;
      const visitor = await captureDirect(t.app, o, { phone: `+66 81 111 22${10 + round}` });
      const visitorContact = await contactOf(o, visitor.leadId);
      const [merged, captured] = await Promise.all([
        mergeContactByEmail(mergeDeps(), {
          workspaceId: o.wsId,
          contactId: visitorContact,
          email,
          name: "Visitor",
        }),
        captureDirect(t.app, o, { email, note: "from another tab" }),
      ]);
      const holders = (await contactRows(o.wsId)).filter((c) => c.email === email);
      expect(holders, `round ${round}`).toHaveLength(1);
      expect(merged.contactId).toBe(holders[0]!.id);
      expect(await contactOf(o, captured.leadId)).toBe(holders[0]!.id);
      expect(await contactOf(o, visitor.leadId)).toBe(holders[0]!.id);
    }
  });

  it("the same merge sent twice at once merges once; the second finds the contact gone (404)", async () => {
    const o = await ownerWithAgent(t.app);
    const kept = await captureDirect(t.app, o, { email: "twice@example.com" });
    const dup = await captureDirect(t.app, o, { phone: "+66 82 222 3333" });
    const dupId = await contactOf(o, dup.leadId);
    const input = { workspaceId: o.wsId, contactId: dupId, email: "twice@example.com" };
    const outcomes = await Promise.allSettled([
      mergeContactByEmail(mergeDeps(), input),
      mergeContactByEmail(mergeDeps(), input),
    ]);
    const done = outcomes.filter((x) => x.status === "fulfilled");
    const failed = outcomes.filter((x) => x.status === "rejected");
    expect(done).toHaveLength(1);
    expect(failed.map((f) => (f as PromiseRejectedResult).reason.code)).toEqual(["NOT_FOUND"]);
    const keptId = await contactOf(o, kept.leadId);
    expect((done[0] as PromiseFulfilledResult<{ contactId: string }>).value.contactId).toBe(keptId);
    expect(await contactOf(o, dup.leadId)).toBe(keptId);
    expect(await contactRows(o.wsId)).toHaveLength(1);
  });

  it("never merges across workspaces", async () => {
    const a = await ownerWithAgent(t.app, "A");
    const b = await ownerWithAgent(t.app, "B");
    const inA = await captureDirect(t.app, a, { name: "Same Person", email: "same@example.com" });
    const inB = await captureDirect(t.app, b, { phone: "+66 83 333 4444" });
    const bContact = await contactOf(b, inB.leadId);
    const res = await call(t.app, b.bearer, "PATCH", contactsUrl(b.wsId, `/${bContact}`), {
      email: "same@example.com",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: bContact, mergedContactId: null, leadCount: 1 });
    const aContact = await contactOf(a, inA.leadId);
    const aRows = await t.app.ctx.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.workspaceId, a.wsId), eq(contacts.id, aContact)));
    expect(aRows[0]).toMatchObject({ name: "Same Person", email: "same@example.com" });
  });
});
