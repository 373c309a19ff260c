import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asBearer,
  call,
  createApiKey,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { eventually } from "../../../test/smtp-server.ts";
import { knowledgeChunks } from "../../db/schema/index.ts";

// Knowledge as a workspace owner adds and uses it: text and Q&A sources become ready, are found
// by the words a customer would type (English, Russian, Thai), cited by the built-in responder,
// and disappear with their source.

const RATE = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" };
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: RATE });
});
afterAll(async () => t?.close());

type Owner = SignedUp & { wsId: string };
async function newOwner(app = t.app): Promise<Owner> {
  const u = await signUp(app);
  const ws = await createWorkspace(app, u.bearer);
  return { ...u, wsId: ws.id };
}
async function newAgent(who: Owner, app = t.app): Promise<string> {
  const res = await call(app, who.bearer, "POST", `/api/v1/workspaces/${who.wsId}/agents`, {
    name: "Mia",
    provider: "builtin",
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
const sourcesUrl = (who: Owner, agentId: string, rest = "") =>
  `/api/v1/workspaces/${who.wsId}/agents/${agentId}/sources${rest}`;
const searchUrl = (who: Owner, agentId: string) =>
  `/api/v1/workspaces/${who.wsId}/agents/${agentId}/knowledge/search`;

const DELIVERY_EN = `# Delivery

We deliver coffee beans within 5 km of the shop for free. Orders placed before noon arrive the same day.

# Returns

Unopened bags can be returned within 14 days for a full refund.`;
const DELIVERY_RU = `# Доставка

Мы доставляем кофе бесплатно в пределах 5 км от магазина. Заказы до полудня привозим в тот же день.`;
const DELIVERY_TH = "เราจัดส่งเมล็ดกาแฟฟรีในระยะ 5 กิโลเมตร ค่าส่งสำหรับระยะไกลกว่านั้นคือ 50 บาท";

async function addText(who: Owner, agentId: string, name: string, text: string, app = t.app) {
  const res = await call(app, who.bearer, "POST", sourcesUrl(who, agentId), { type: "text", name, text });
  expect(res.statusCode, res.body).toBe(202);
  return res.json();
}

async function search(who: Owner, agentId: string, query: string) {
  const res = await call(t.app, who.bearer, "POST", searchUrl(who, agentId), { query });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().results as {
    sourceName: string;
    content: string;
    heading: string | null;
    score: number;
  }[];
}

describe("text and Q&A sources", () => {
  it("a text source becomes ready with chunks, and is found by English, Russian and Thai questions", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const en = await addText(owner, agentId, "Delivery (EN)", DELIVERY_EN);
    expect(en).toMatchObject({ type: "text", name: "Delivery (EN)", status: "ready", error: null });
    expect(en.chunkCount).toBeGreaterThan(0);
    await addText(owner, agentId, "Доставка (RU)", DELIVERY_RU);
    await addText(owner, agentId, "จัดส่ง (TH)", DELIVERY_TH);

    expect((await search(owner, agentId, "do you deliver the beans?"))[0]).toMatchObject({
      sourceName: "Delivery (EN)",
      heading: "Delivery",
    });
    expect((await search(owner, agentId, "how do I return a bag?"))[0]?.heading).toBe("Returns");
    expect((await search(owner, agentId, "есть ли доставки кофе?"))[0]?.sourceName).toBe("Доставка (RU)");
    expect((await search(owner, agentId, "ค่าส่งเท่าไหร่"))[0]?.sourceName).toBe("จัดส่ง (TH)");
    expect(await search(owner, agentId, "quantum chromodynamics")).toEqual([]);
  });

  it("Q&A pairs become one passage each, and the built-in responder answers from them with a citation", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const res = await call(t.app, owner.bearer, "POST", sourcesUrl(owner, agentId), {
      type: "qa",
      pairs: [
        { question: "Do you have oat milk?", answer: "Yes, oat and almond milk are free of charge." },
        { question: "Is there parking?", answer: "There are ten free parking spots behind the shop." },
      ],
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ type: "qa", name: "Q&A", status: "ready", chunkCount: 2 });

    const chat = await call(
      t.app,
      owner.bearer,
      "POST",
      `/api/v1/workspaces/${owner.wsId}/agents/${agentId}/chat`,
      {
        message: "Where can I park?",
      },
    );
    expect(chat.statusCode, chat.body).toBe(200);
    expect(chat.json().message.content).toContain("ten free parking spots");
    expect(chat.json().message.citations[0]).toMatchObject({ sourceId: res.json().id });
  });

  it("the same content twice is refused as a duplicate; delete removes the passages; resync rebuilds them", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const src = await addText(owner, agentId, "Delivery", DELIVERY_EN);
    const dup = await call(t.app, owner.bearer, "POST", sourcesUrl(owner, agentId), {
      type: "text",
      name: "Delivery again",
      text: DELIVERY_EN,
    });
    expect(expectError(dup, 409, "ALREADY_EXISTS").details).toEqual({ sourceId: src.id });

    const resync = await call(t.app, owner.bearer, "POST", sourcesUrl(owner, agentId, `/${src.id}/resync`));
    expect(resync.statusCode, resync.body).toBe(202);
    expect(resync.json()).toMatchObject({ id: src.id, status: "ready", chunkCount: src.chunkCount });

    const list = await call(t.app, owner.bearer, "GET", sourcesUrl(owner, agentId));
    expect(list.json().sources.map((s: { id: string }) => s.id)).toEqual([src.id]);

    expect(
      (await call(t.app, owner.bearer, "DELETE", sourcesUrl(owner, agentId, `/${src.id}`))).statusCode,
    ).toBe(204);
    const chunks = await t.app.ctx.db
      .select()
      .from(knowledgeChunks)
      .where(and(eq(knowledgeChunks.workspaceId, owner.wsId), eq(knowledgeChunks.sourceId, src.id)));
    expect(chunks).toEqual([]);
    expect(await search(owner, agentId, "do you deliver?")).toEqual([]);
    expectError(
      await call(t.app, owner.bearer, "GET", sourcesUrl(owner, agentId, `/${src.id}`)),
      404,
      "NOT_FOUND",
    );
  });

  it("refuses empty or malformed sources with 400 and an unknown agent with 404", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    for (const body of [
      { type: "text", name: "x", text: "   " },
      { type: "text", name: "", text: "hello" },
      { type: "text", name: "x", text: "a\u0000b" },
      { type: "qa", pairs: [] },
      { type: "qa", pairs: [{ question: "?", answer: "" }] },
      { type: "pdf", name: "x" },
    ]) {
      expectError(
        await call(t.app, owner.bearer, "POST", sourcesUrl(owner, agentId), body),
        400,
        "VALIDATION_FAILED",
      );
    }
    const other = "agt_00000000000000000000";
    expectError(
      await call(t.app, owner.bearer, "POST", sourcesUrl(owner, other), {
        type: "text",
        name: "x",
        text: "hi",
      }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("limits", () => {
  it("a source that would take the workspace past its knowledge limit is refused before any work", async () => {
    const small = await createTestApp({ env: { ...RATE, KNOWLEDGE_MAX_BYTES_PER_WORKSPACE: "2048" } });
    try {
      const owner = await newOwner(small.app);
      const agentId = await newAgent(owner, small.app);
      await addText(owner, agentId, "Delivery", DELIVERY_EN, small.app);
      const big = await call(small.app, owner.bearer, "POST", sourcesUrl(owner, agentId), {
        type: "text",
        name: "Big",
        text: "Coffee beans are roasted fresh every morning. ".repeat(60),
      });
      const error = expectError(big, 403, "LIMIT_REACHED");
      expect(error.details).toMatchObject({ limit: "knowledge_bytes", max: 2048 });
      const list = await call(small.app, owner.bearer, "GET", sourcesUrl(owner, agentId));
      expect(list.json().sources.map((x: { name: string }) => x.name)).toEqual(["Delivery"]);
      // The list says what a new source may be, so the dashboard can tell before an upload.
      expect(list.json().limits).toEqual({
        maxFileBytes: small.config.knowledgeMaxFileBytes,
        maxCrawlPages: small.config.knowledgeMaxCrawlPages,
      });
    } finally {
      await small.close();
    }
  });
});

describe("background ingestion", () => {
  it("with job workers, a source is queued and becomes ready in the background", async () => {
    const withJobs = await createTestApp({ env: RATE, jobs: true });
    try {
      const owner = await newOwner(withJobs.app);
      const agentId = await newAgent(owner, withJobs.app);
      const statuses: string[] = [];
      withJobs.app.ctx.events.on("knowledge.source_status", (e) => statuses.push(e.status));
      const res = await call(withJobs.app, owner.bearer, "POST", sourcesUrl(owner, agentId), {
        type: "text",
        name: "Delivery",
        text: DELIVERY_EN,
      });
      expect(res.statusCode, res.body).toBe(202);
      expect(["queued", "processing", "ready"]).toContain(res.json().status);
      const ready = await eventually<{ chunkCount: number }>(async () => {
        const got = await call(
          withJobs.app,
          owner.bearer,
          "GET",
          sourcesUrl(owner, agentId, `/${res.json().id}`),
        );
        return got.json().status === "ready" ? got.json() : undefined;
      }, 20_000);
      expect(ready?.chunkCount).toBeGreaterThan(0);
      expect(statuses).toContain("ready");
    } finally {
      await withJobs.close();
    }
  });
});

describe("access", () => {
  it("another workspace gets 404; API keys need the knowledge scopes; viewers cannot add", async () => {
    const a = await newOwner();
    const agentId = await newAgent(a);
    const src = await addText(a, agentId, "Delivery", DELIVERY_EN);
    const b = await newOwner();
    for (const [method, url, body] of [
      ["GET", sourcesUrl(a, agentId)],
      ["GET", sourcesUrl(a, agentId, `/${src.id}`)],
      ["DELETE", sourcesUrl(a, agentId, `/${src.id}`)],
      ["POST", sourcesUrl(a, agentId, `/${src.id}/resync`)],
      ["POST", searchUrl(a, agentId), { query: "deliver" }],
      ["POST", sourcesUrl(a, agentId), { type: "text", name: "x", text: "stolen" }],
    ] as const) {
      expectError(await call(t.app, b.bearer, method, url, body), 404, "NOT_FOUND");
    }
    const bKey = await createApiKey(t.app, b.bearer, b.wsId);
    expectError(await call(t.app, asBearer(bKey.key), "GET", sourcesUrl(a, agentId)), 404, "NOT_FOUND");

    const readOnly = await createApiKey(t.app, a.bearer, a.wsId, { name: "ro", scopes: ["knowledge:read"] });
    const ro = asBearer(readOnly.key);
    expect((await call(t.app, ro, "GET", sourcesUrl(a, agentId))).statusCode).toBe(200);
    expect((await call(t.app, ro, "POST", searchUrl(a, agentId), { query: "deliver" })).statusCode).toBe(200);
    expectError(
      await call(t.app, ro, "POST", sourcesUrl(a, agentId), { type: "text", name: "x", text: "new text" }),
      403,
      "FORBIDDEN",
    );
    // The source survived all of that.
    expect((await call(t.app, a.bearer, "GET", sourcesUrl(a, agentId, `/${src.id}`))).json().status).toBe(
      "ready",
    );
  });
});

describe("knowledge gaps", () => {
  it("questions nothing relevant was found for are listed, grouped and counted; small talk and answered ones are not", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    await addText(owner, agentId, "Delivery", DELIVERY_EN);
    const chatUrl = `/api/v1/workspaces/${owner.wsId}/agents/${agentId}/chat`;
    for (const message of [
      "Do you sell gift cards?",
      "do you sell gift  cards",
      "Do you deliver coffee beans?",
      "hi",
      "Can I bring my dog inside?",
    ]) {
      const res = await call(t.app, owner.bearer, "POST", chatUrl, { message });
      expect(res.statusCode, res.body).toBe(200);
    }
    const res = await call(
      t.app,
      owner.bearer,
      "GET",
      `/api/v1/workspaces/${owner.wsId}/agents/${agentId}/knowledge/gaps`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const gaps = res.json().gaps as { question: string; count: number; conversationIds: string[] }[];
    expect(gaps.map((g) => [g.question, g.count])).toEqual([
      ["do you sell gift  cards", 2],
      ["Can I bring my dog inside?", 1],
    ]);
    expect(gaps[0]!.conversationIds).toHaveLength(2);

    // Another workspace can neither read nor resolve them.
    const gapsUrl = `/api/v1/workspaces/${owner.wsId}/agents/${agentId}/knowledge/gaps`;
    const b = await newOwner();
    expectError(await call(t.app, b.bearer, "GET", gapsUrl), 404, "NOT_FOUND");
    expectError(
      await call(t.app, b.bearer, "POST", `${gapsUrl}/resolve`, { question: "Do you sell gift cards?" }),
      404,
      "NOT_FOUND",
    );

    // Resolving one wording resolves every asking that groups with it; unknown ones are 404.
    const resolved = await call(t.app, owner.bearer, "POST", `${gapsUrl}/resolve`, {
      question: "DO YOU SELL GIFT CARDS?",
    });
    expect(resolved.statusCode, resolved.body).toBe(204);
    const after = (await call(t.app, owner.bearer, "GET", gapsUrl)).json().gaps as { question: string }[];
    expect(after.map((g) => g.question)).toEqual(["Can I bring my dog inside?"]);
    expectError(
      await call(t.app, owner.bearer, "POST", `${gapsUrl}/resolve`, { question: "Do you sell gift cards?" }),
      404,
      "NOT_FOUND",
    );
    expectError(await call(t.app, owner.bearer, "POST", `${gapsUrl}/resolve`, { question: " " }), 400);
  });
});
