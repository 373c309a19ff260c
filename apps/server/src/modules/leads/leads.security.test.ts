import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeOpenAI } from "../../../test/fake-llm.ts";
import {
  addMember,
  asBearer,
  type Caller,
  call,
  createApiKey,
  createTestApp,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import {
  captureDirect,
  captureViaChat,
  contactsUrl,
  fakeOpenAiEnv,
  type LeadOwner,
  leadsUrl,
  ownerWithAgent,
} from "../../../test/leads.ts";

// Who may do what with leads and contacts: the role matrix, API-key scopes, and tenant isolation
// (another workspace's member sees 404, never the data, and never finds it in an export).

let openai: FakeLlmServer;
let t: TestApp;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  t = await createTestApp({ env: fakeOpenAiEnv(openai) });
});
afterAll(async () => {
  await t?.close();
  await openai?.close();
});

type Role = "owner" | "admin" | "operator" | "viewer";

describe("roles", () => {
  let o: LeadOwner;
  let as: Record<Role, Caller>;
  let leadId: string;
  let contactId: string;

  beforeAll(async () => {
    o = await ownerWithAgent(t.app);
    const [admin, operator, viewer] = await Promise.all([signUp(t.app), signUp(t.app), signUp(t.app)]);
    await addMember(t.app, o.bearer, o.wsId, admin!, "admin");
    await addMember(t.app, o.bearer, o.wsId, operator!, "operator");
    await addMember(t.app, o.bearer, o.wsId, viewer!, "viewer");
    as = { owner: o.bearer, admin: admin!.bearer, operator: operator!.bearer, viewer: viewer!.bearer };
    const lead = await captureViaChat(t.app, openai, o, { name: "Role Test", email: "roles@example.com" });
    leadId = lead.leadId;
    contactId = (await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/${leadId}`))).json().contact.id;
  });

  it.each(["owner", "admin", "operator", "viewer"] as const)(
    "%s reads leads, notes, the export and contacts",
    async (role) => {
      for (const url of [
        leadsUrl(o.wsId),
        leadsUrl(o.wsId, `/${leadId}`),
        leadsUrl(o.wsId, "/export.csv"),
        contactsUrl(o.wsId),
        contactsUrl(o.wsId, `/${contactId}`),
      ]) {
        const res = await call(t.app, as[role], "GET", url);
        expect(res.statusCode, `${role} ${url}: ${res.body}`).toBe(200);
      }
    },
  );

  it.each(["owner", "admin", "operator"] as const)(
    "%s moves leads, writes notes and edits contacts",
    async (role) => {
      const moved = await call(t.app, as[role], "PATCH", leadsUrl(o.wsId, `/${leadId}`), {
        status: "contacted",
      });
      expect(moved.statusCode, moved.body).toBe(200);
      const note = await call(t.app, as[role], "POST", leadsUrl(o.wsId, `/${leadId}/notes`), {
        body: `From ${role}`,
      });
      expect(note.statusCode, note.body).toBe(201);
      const del = await call(
        t.app,
        as[role],
        "DELETE",
        leadsUrl(o.wsId, `/${leadId}/notes/${note.json().id}`),
      );
      expect(del.statusCode, del.body).toBe(204);
      const edit = await call(t.app, as[role], "PATCH", contactsUrl(o.wsId, `/${contactId}`), {
        name: `Named by ${role}`,
      });
      expect(edit.statusCode, edit.body).toBe(200);
    },
  );

  it("a viewer can change nothing", async () => {
    const before = (await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/${leadId}`))).json();
    const note = (
      await call(t.app, o.bearer, "POST", leadsUrl(o.wsId, `/${leadId}/notes`), { body: "Owner's" })
    ).json();
    expectError(
      await call(t.app, as.viewer, "PATCH", leadsUrl(o.wsId, `/${leadId}`), { status: "won" }),
      403,
      "FORBIDDEN",
    );
    expectError(
      await call(t.app, as.viewer, "POST", leadsUrl(o.wsId, `/${leadId}/notes`), { body: "Hi" }),
      403,
      "FORBIDDEN",
    );
    expectError(
      await call(t.app, as.viewer, "DELETE", leadsUrl(o.wsId, `/${leadId}/notes/${note.id}`)),
      403,
      "FORBIDDEN",
    );
    expectError(
      await call(t.app, as.viewer, "PATCH", contactsUrl(o.wsId, `/${contactId}`), { name: "Viewer" }),
      403,
      "FORBIDDEN",
    );
    const after = (await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/${leadId}`))).json();
    expect(after.status).toBe(before.status);
    expect(after.contact).toEqual(before.contact);
    expect(after.notes.map((n: { id: string }) => n.id)).toContain(note.id);
  });
});

describe("API keys", () => {
  it("leads:read reads, leads:write changes; other scopes and note deletion are refused", async () => {
    const o = await ownerWithAgent(t.app);
    const { leadId } = await captureDirect(t.app, o, { name: "Keyed", email: "keyed@example.com" });
    const contactId = (await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/${leadId}`))).json().contact.id;
    const reader = asBearer(
      (await createApiKey(t.app, o.bearer, o.wsId, { name: "r", scopes: ["leads:read"] })).key,
    );
    const writer = asBearer(
      (await createApiKey(t.app, o.bearer, o.wsId, { name: "w", scopes: ["leads:read", "leads:write"] })).key,
    );
    const other = asBearer(
      (await createApiKey(t.app, o.bearer, o.wsId, { name: "o", scopes: ["agents:read"] })).key,
    );
    const everything = asBearer((await createApiKey(t.app, o.bearer, o.wsId, { name: "all" })).key);

    for (const url of [
      leadsUrl(o.wsId),
      leadsUrl(o.wsId, "/export.csv"),
      contactsUrl(o.wsId, `/${contactId}`),
    ]) {
      expect((await call(t.app, reader, "GET", url)).statusCode, url).toBe(200);
      expect((await call(t.app, everything, "GET", url)).statusCode, url).toBe(200);
      expectError(await call(t.app, other, "GET", url), 403, "FORBIDDEN");
    }
    expectError(
      await call(t.app, reader, "PATCH", leadsUrl(o.wsId, `/${leadId}`), { status: "won" }),
      403,
      "FORBIDDEN",
    );
    const moved = await call(t.app, writer, "PATCH", leadsUrl(o.wsId, `/${leadId}`), { status: "won" });
    expect(moved.statusCode, moved.body).toBe(200);
    const note = await call(t.app, writer, "POST", leadsUrl(o.wsId, `/${leadId}/notes`), {
      body: "Synced from CRM",
    });
    expect(note.statusCode, note.body).toBe(201);
    expect(note.json().author).toBeNull();
    expectError(
      await call(t.app, writer, "DELETE", leadsUrl(o.wsId, `/${leadId}/notes/${note.json().id}`)),
      403,
      "FORBIDDEN",
    );
    const edit = await call(t.app, writer, "PATCH", contactsUrl(o.wsId, `/${contactId}`), {
      phone: "+1 555 0123",
    });
    expect(edit.statusCode, edit.body).toBe(200);

    const audit = (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/audit-log`)).json();
    expect(audit.entries.find((e: { action: string }) => e.action === "lead.status_changed")).toMatchObject({
      actorUserId: null,
      metadata: { from: "new", to: "won" },
    });
  });
});

describe("tenant isolation", () => {
  let a: LeadOwner;
  let b: LeadOwner;
  let bViewer: SignedUp;
  let aLead: { leadId: string; conversationId: string };
  let aContact: string;
  let aNote: string;

  beforeAll(async () => {
    a = await ownerWithAgent(t.app, "A");
    b = await ownerWithAgent(t.app, "B");
    bViewer = await signUp(t.app);
    await addMember(t.app, b.bearer, b.wsId, bViewer, "viewer");
    aLead = await captureViaChat(t.app, openai, a, { name: "Secret Customer", email: "secret@a.example" });
    await captureDirect(t.app, b, { name: "B Customer", email: "customer@b.example" });
    aContact = (await call(t.app, a.bearer, "GET", leadsUrl(a.wsId, `/${aLead.leadId}`))).json().contact.id;
    aNote = (
      await call(t.app, a.bearer, "POST", leadsUrl(a.wsId, `/${aLead.leadId}/notes`), { body: "A only" })
    ).json().id;
  });

  it("another workspace's member gets 404 for A's leads, notes, contacts and export, under either workspace", async () => {
    for (const who of [b.bearer, bViewer.bearer]) {
      for (const ws of [a.wsId, b.wsId]) {
        const attempts: [string, string, unknown?][] = [
          ["GET", leadsUrl(ws, `/${aLead.leadId}`)],
          ["PATCH", leadsUrl(ws, `/${aLead.leadId}`), { status: "lost" }],
          ["POST", leadsUrl(ws, `/${aLead.leadId}/notes`), { body: "mine now" }],
          ["DELETE", leadsUrl(ws, `/${aLead.leadId}/notes/${aNote}`)],
          ["GET", contactsUrl(ws, `/${aContact}`)],
          ["PATCH", contactsUrl(ws, `/${aContact}`), { name: "Taken" }],
        ];
        if (ws === a.wsId) {
          attempts.push(
            ["GET", leadsUrl(ws)],
            ["GET", leadsUrl(ws, "/export.csv")],
            ["GET", contactsUrl(ws)],
          );
        }
        for (const [method, url, body] of attempts) {
          const res = await call(t.app, who, method as "GET", url, body);
          // A viewer of B is stopped at B's own write routes by role (403) before any lookup.
          const expected = who === bViewer.bearer && ws === b.wsId && method !== "GET" ? 403 : 404;
          expectError(res, expected);
          expect(res.body).not.toContain("Secret Customer");
        }
      }
    }
    const still = (await call(t.app, a.bearer, "GET", leadsUrl(a.wsId, `/${aLead.leadId}`))).json();
    expect(still).toMatchObject({ status: "new", contact: { name: "Secret Customer" } });
    expect(still.notes.map((n: { id: string }) => n.id)).toEqual([aNote]);
  });

  it("B's list, search, contacts and export never contain A's rows", async () => {
    const list = (await call(t.app, b.bearer, "GET", leadsUrl(b.wsId))).json();
    expect(list.leads.map((l: { contact: { name: string } }) => l.contact.name)).toEqual(["B Customer"]);
    expect((await call(t.app, b.bearer, "GET", leadsUrl(b.wsId, "?q=secret"))).json().leads).toEqual([]);
    expect(
      (await call(t.app, b.bearer, "GET", leadsUrl(b.wsId, `?agentId=${a.agentId}`))).json().leads,
    ).toEqual([]);
    expect((await call(t.app, b.bearer, "GET", contactsUrl(b.wsId, "?q=secret"))).json().contacts).toEqual(
      [],
    );

    const csv = await call(t.app, b.bearer, "GET", leadsUrl(b.wsId, "/export.csv"));
    expect(csv.statusCode).toBe(200);
    expect(csv.body).not.toContain("Secret");
    expect(csv.body).not.toContain(aLead.leadId);
    const rows = Papa.parse<string[]>(csv.body.replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
    expect(rows).toHaveLength(2);
    expect(rows[1]![4]).toBe("B Customer");
  });

  it("an API key of workspace A cannot reach B", async () => {
    const key = asBearer(
      (await createApiKey(t.app, a.bearer, a.wsId, { name: "a", scopes: ["leads:read"] })).key,
    );
    expectError(await call(t.app, key, "GET", leadsUrl(b.wsId)), 404, "NOT_FOUND");
    expectError(await call(t.app, key, "GET", leadsUrl(b.wsId, "/export.csv")), 404, "NOT_FOUND");
    expectError(await call(t.app, key, "GET", contactsUrl(b.wsId)), 404, "NOT_FOUND");
  });

  it("an anonymous caller is asked to sign in", async () => {
    expectError(await call(t.app, { headers: {} }, "GET", leadsUrl(a.wsId)), 401, "UNAUTHENTICATED");
    expectError(
      await call(t.app, { headers: {} }, "GET", leadsUrl(a.wsId, "/export.csv")),
      401,
      "UNAUTHENTICATED",
    );
  });
});
