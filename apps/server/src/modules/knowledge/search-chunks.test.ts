import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, createWorkspace, signUp, type TestApp } from "../../../test/harness.ts";
import { newId } from "../../platform/ids.ts";
import { ftsConfigFor, ftsDocument } from "./fts-text.ts";
import { insertSource, type NewChunk, replaceChunks, searchChunks } from "./knowledge.repo.ts";

// The lexical candidate query (searchChunks) finds its candidates tier by tier through the GIN
// index instead of ranking every matching chunk. Whatever the tiers, its answer must be the one
// a brute-force ranking of every matching chunk gives: most query words matched first, then
// ts_rank_cd — for one agent only.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" } });
});
afterAll(async () => t?.close());

type Agent = { workspaceId: string; agentId: string };
type Owner = { bearer: Awaited<ReturnType<typeof signUp>>["bearer"]; workspaceId: string };
async function newOwner(): Promise<Owner> {
  const u = await signUp(t.app);
  return { bearer: u.bearer, workspaceId: (await createWorkspace(t.app, u.bearer)).id };
}
async function newAgent(owner?: Owner): Promise<Agent> {
  const o = owner ?? (await newOwner());
  const res = await call(t.app, o.bearer, "POST", `/api/v1/workspaces/${o.workspaceId}/agents`, {
    name: "Mia",
    provider: "builtin",
  });
  expect(res.statusCode, res.body).toBe(201);
  return { workspaceId: o.workspaceId, agentId: res.json().id };
}

/** Passages stored as ingestion stores them: configuration by language, Thai segmented. */
async function addPassages(agent: Agent, passages: string[]): Promise<string[]> {
  const source = await insertSource(t.database.db, {
    id: newId("src"),
    workspaceId: agent.workspaceId,
    agentId: agent.agentId,
    type: "text",
    name: "Passages",
    input: { text: passages.join("\n\n") },
    checksum: newId("src"),
    sizeBytes: 1,
  });
  const rows: NewChunk[] = passages.map((content, position) => ({
    id: newId("chk"),
    position,
    headingPath: [],
    location: null,
    content,
    ftsConfig: ftsConfigFor(content),
    document: ftsDocument(content),
    tokens: 1,
  }));
  await replaceChunks(t.database.db, source, rows);
  return rows.map((r) => r.id);
}

/** Every chunk of the agent matching a word, as (words matched, ts_rank_cd), best first. */
async function bruteForce(agent: Agent, words: string[]) {
  const q = (w: string) =>
    sql`(websearch_to_tsquery('english', ${w}) || websearch_to_tsquery('russian', ${w}) || websearch_to_tsquery('simple', ${w}))`;
  const any = sql`(${sql.join(words.map(q), sql` || `)})`;
  const matched = sql.join(
    words.map((w) => sql`(tsv @@ ${q(w)})::int`),
    sql` + `,
  );
  const res = (await t.database.db.execute(sql`
    select id, ${matched} as words, ts_rank_cd(tsv, ${any}) as density
    from knowledge_chunks
    where workspace_id = ${agent.workspaceId} and agent_id = ${agent.agentId} and tsv @@ ${any}
    order by words desc, density desc`)) as unknown as {
    rows: { id: string; words: number; density: number }[];
  };
  return res.rows.map((r) => ({ id: r.id, words: Number(r.words), density: Number(r.density) }));
}

/** searchChunks' answer must be a top-`limit` of the brute-force order (ties may come in any order). */
async function expectSameAsBruteForce(agent: Agent, words: string[], limit: number) {
  const all = await bruteForce(agent, words);
  const hits = await searchChunks(t.database.db, { ...agent, words, limit });
  const byId = new Map(all.map((r) => [r.id, r]));
  expect(hits.length).toBe(Math.min(limit, all.length));
  const key = (r: { words: number; density: number }) => `${r.words}:${r.density.toFixed(5)}`;
  expect(hits.map((h) => key(byId.get(h.chunkId)!))).toEqual(all.slice(0, limit).map(key));
  // The rank agrees with that order.
  for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.rank).toBeGreaterThanOrEqual(hits[i]!.rank);
  return hits;
}

describe("lexical candidates", () => {
  it("a passage with more of the question's words ranks above one repeating a single word", async () => {
    const agent = await newAgent();
    const [all, repeats, one] = await addPassages(agent, [
      "Delivery to Phuket costs 50 baht.",
      "Delivery, delivery, delivery: our delivery team handles every delivery with care.",
      "We are open every day.",
    ]);
    const hits = await searchChunks(t.database.db, {
      ...agent,
      words: ["delivery", "Phuket", "cost"],
      limit: 5,
    });
    expect(hits.map((h) => h.chunkId)).toEqual([all, repeats]);
    expect(hits.map((h) => h.chunkId)).not.toContain(one);
    expect(hits[0]).toMatchObject({ sourceName: "Passages", content: "Delivery to Phuket costs 50 baht." });
  });

  it("returns only the agent's own passages", async () => {
    const owner = await newOwner();
    const agent = await newAgent(owner);
    const sameWorkspace = await newAgent(owner);
    const other = await newAgent();
    const mine = await addPassages(agent, ["Refunds take five days."]);
    await addPassages(other, ["Refunds take five days.", "Refunds, refunds and refunds."]);
    await addPassages(sameWorkspace, ["Refunds arrive in five days."]);
    const hits = await searchChunks(t.database.db, { ...agent, words: ["refunds", "days"], limit: 10 });
    expect(hits.map((h) => h.chunkId)).toEqual(mine);
  });

  it("finds nothing for words that match nothing, or no words", async () => {
    const agent = await newAgent();
    await addPassages(agent, ["We roast coffee beans every morning."]);
    expect(await searchChunks(t.database.db, { ...agent, words: ["quantum"], limit: 5 })).toEqual([]);
    expect(await searchChunks(t.database.db, { ...agent, words: [], limit: 5 })).toEqual([]);
  });

  it("agrees with ranking every matching passage, in English, Russian and Thai, for short and long questions", async () => {
    const agent = await newAgent();
    const neighbour = await newAgent();
    // Small vocabularies make many passages share words: every tier is exercised, and ties.
    const vocab = {
      en: "delivery order refund price coffee beans roast shop open weekend card payment parcel track week day free milk cake".split(
        " ",
      ),
      ru: "доставка заказ возврат цена кофе зерно обжарка магазин работа выходные карта оплата посылка неделя день бесплатно молоко торт".split(
        " ",
      ),
      th: "จัดส่ง สั่งซื้อ คืนเงิน ราคา กาแฟ เมล็ด คั่ว ร้าน เปิด วันหยุด บัตร ชำระ พัสดุ สัปดาห์ ฟรี นม เค้ก".split(" "),
    };
    let seed = 7;
    const random = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let x = Math.imul(seed ^ (seed >>> 15), seed | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const pick = (list: string[]) => list[Math.floor(random() * list.length)]!;
    const passage = (lang: keyof typeof vocab) => {
      const n = 3 + Math.floor(random() * 12);
      const words = Array.from({ length: n }, () => pick(vocab[lang]));
      return lang === "th" ? words.join("") : `${words.join(" ")}.`;
    };
    const langs = ["en", "ru", "th"] as const;
    await addPassages(
      agent,
      Array.from({ length: 240 }, (_, i) => passage(langs[i % 3]!)),
    );
    await addPassages(
      neighbour,
      Array.from({ length: 60 }, (_, i) => passage(langs[i % 3]!)),
    );
    for (const lang of langs) {
      for (const n of [1, 2, 3, 5, 8, 12]) {
        // As ftsQuery gives them: Thai words as the segmenter splits them in documents.
        const picked = Array.from({ length: n }, () => pick(vocab[lang]));
        const words = [...new Set(picked.flatMap((w) => ftsDocument(w).split(" ")))];
        await expectSameAsBruteForce(agent, words, 20);
        await expectSameAsBruteForce(agent, words, 3);
      }
    }
    // Words of two languages at once, as a mixed question has.
    await expectSameAsBruteForce(agent, ["coffee", "кофе", "กาแฟ", "delivery"], 20);
    await expectSameAsBruteForce(neighbour, ["coffee", "кофе", "กาแฟ", "delivery"], 20);
  });
});
