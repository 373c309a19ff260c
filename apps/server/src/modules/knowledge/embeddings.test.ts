import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FakeEmbeddingsServer, startFakeEmbeddings } from "../../../test/fake-embeddings.ts";
import {
  call,
  createTestApp,
  createWorkspace,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { eventually } from "../../../test/smtp-server.ts";
import { type Database, openPglite } from "../../platform/db/client.ts";
import { searchKnowledge } from "./search-knowledge.ts";

// Semantic and hybrid search as a workspace owner sees it: passages are embedded while a source
// is ingested, a question sharing no word with the answer finds it by meaning (the agent answers
// from it too), a model change re-embeds everything with vectors of the new size, and a failing
// provider never costs lexical search. These tests need pgvector, so they run on PGlite (which
// ships it) whichever database the run uses; semantic-off.test.ts covers databases without it.

const pgliteTemplate = () => new Blob([readFileSync(inject("pgliteTemplate"))]);
const openTestPglite = () => openPglite({ loadDataDir: pgliteTemplate() });

let fake: FakeEmbeddingsServer;
let database: Database;
let t: TestApp;
const env = (fakeUrl: string, model = "embed-a") => ({
  AUTH_RATE_LIMIT_MAX: "10000",
  RATE_LIMIT_MAX: "10000",
  ALLOW_PRIVATE_URLS: "127.0.0.1",
  OPENAI_COMPATIBLE_BASE_URL: fakeUrl,
  OPENAI_COMPATIBLE_API_KEY: "sk-platform",
  EMBEDDING_MODEL: `openai-compatible:${model}`,
  EMBEDDING_BATCH_SIZE: "4",
});

beforeAll(async () => {
  fake = await startFakeEmbeddings({ defaultDimensions: 256, dimensions: { "embed-b": 384 } });
  database = await openTestPglite();
  t = await createTestApp({ database, env: env(fake.openaiUrl) });
});
afterAll(async () => {
  await t?.close();
  await database?.close();
  await fake?.close();
});

type Owner = SignedUp & { wsId: string };
async function newOwner(app = t.app): Promise<Owner> {
  const u = await signUp(app);
  return { ...u, wsId: (await createWorkspace(app, u.bearer)).id };
}
async function newAgent(who: Owner, app = t.app): Promise<string> {
  const res = await call(app, who.bearer, "POST", `/api/v1/workspaces/${who.wsId}/agents`, {
    name: "Mia",
    provider: "builtin",
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const FAQ = [
  { question: "Are pets allowed?", answer: "Dogs are welcome on our terrace." },
  { question: "Is there parking?", answer: "There are ten free parking spots behind the shop." },
  { question: "Do you deliver?", answer: "We deliver coffee beans within 5 km for free." },
  { question: "Can I get a refund?", answer: "Unopened bags can be returned within 14 days." },
  { question: "Do you have wifi?", answer: "Yes, the wifi password is on your receipt." },
  { question: "When are you open?", answer: "We open at 7 and close at 19 every day." },
];

async function addFaq(who: Owner, agentId: string, app = t.app) {
  const res = await call(
    app,
    who.bearer,
    "POST",
    `/api/v1/workspaces/${who.wsId}/agents/${agentId}/sources`,
    {
      type: "qa",
      pairs: FAQ,
    },
  );
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as { id: string; status: string; chunkCount: number };
}

type Hit = { chunkId: string; sourceId: string; content: string; score: number };
async function search(who: Owner, agentId: string, query: string, app = t.app): Promise<Hit[]> {
  const res = await call(
    app,
    who.bearer,
    "POST",
    `/api/v1/workspaces/${who.wsId}/agents/${agentId}/knowledge/search`,
    {
      query,
    },
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json().results;
}

async function settings(who: Owner, app = t.app) {
  const res = await call(app, who.bearer, "GET", `/api/v1/workspaces/${who.wsId}/knowledge/settings`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Which models and vector sizes a workspace's stored vectors have, read from the table itself. */
async function storedVectors(db: Database, workspaceId: string) {
  return db.query<{ model: string; dims: number; n: number }>(
    "select model, dims, count(*)::int as n from knowledge_embeddings where workspace_id = $1 group by model, dims order by model",
    [workspaceId],
  );
}

describe("semantic search", () => {
  it("embeds passages in batches during ingestion and finds a paraphrase that shares no word with it", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    const before = fake.requests.length;
    const source = await addFaq(owner, agentId);
    expect(source).toMatchObject({ status: "ready", chunkCount: 6 });
    // Six passages with EMBEDDING_BATCH_SIZE=4: two requests, with the platform's key.
    const calls = fake.requests.slice(before);
    expect(calls.map((r) => r.inputs.length)).toEqual([4, 2]);
    expect(calls[0]).toMatchObject({ api: "openai", model: "embed-a", authorization: "Bearer sk-platform" });
    expect(await storedVectors(database, owner.wsId)).toEqual([
      { model: "openai-compatible:embed-a", dims: 256, n: 6 },
    ]);

    const [best] = await search(owner, agentId, "Can I bring my puppy?");
    expect(best).toMatchObject({ sourceId: source.id, content: expect.stringContaining("Dogs are welcome") });
    expect(best!.score).toBeGreaterThanOrEqual(0.5);
    expect(best!.score).toBeLessThanOrEqual(1);
    // Lexical search alone has nothing for it: no word of the question is in the passage.
    const lexical = await searchKnowledge(
      { db: database.db },
      { workspaceId: owner.wsId, agentId, query: "Can I bring my puppy?", limit: 5 },
    );
    expect(lexical.some((h) => h.content.includes("Dogs are welcome"))).toBe(false);

    // The agent retrieves the same passage: the built-in responder answers from it and cites it.
    const chat = await call(
      t.app,
      owner.bearer,
      "POST",
      `/api/v1/workspaces/${owner.wsId}/agents/${agentId}/chat`,
      {
        message: "Can I bring my puppy?",
      },
    );
    expect(chat.statusCode, chat.body).toBe(200);
    expect(chat.json().message.content).toContain("Dogs are welcome on our terrace.");
    expect(chat.json().message.citations[0]).toMatchObject({ sourceId: source.id });
  });

  it("fuses lexical and vector results: a question with a part each finds both passages; nonsense finds none", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    await addFaq(owner, agentId);
    const hits = await search(owner, agentId, "Where do I leave the car, and may my puppy come?");
    const contents = hits.map((h) => h.content);
    expect(contents.some((c) => c.includes("Dogs are welcome"))).toBe(true); // by meaning only
    expect(contents.some((c) => c.includes("parking spots"))).toBe(true);
    expect(hits.every((h) => h.score > 0 && h.score <= 1)).toBe(true);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    // Vector search always has a nearest passage; an unrelated one is not a result.
    expect(await search(owner, agentId, "quantum chromodynamics lectures")).toEqual([]);
  });

  it("passes the fused candidates through a reranking hook, whose order and scores are the results", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    await addFaq(owner, agentId);
    const seen: string[][] = [];
    const query = "Where do I leave the car, and may my puppy come?";
    const results = await searchKnowledge(
      {
        db: database.db,
        vectors: t.app.ctx.vectors,
        // Prefers what it was given last, and says so in its scores.
        rerank: async (_query, candidates) => {
          seen.push(candidates.map((c) => c.content));
          return [...candidates].reverse().map((c, i) => ({ ...c, score: 0.9 - i * 0.1 }));
        },
      },
      { workspaceId: owner.wsId, agentId, query, limit: 2 },
    );
    const candidates = seen[0]!;
    expect(candidates.some((c) => c.includes("Dogs are welcome"))).toBe(true);
    expect(candidates.some((c) => c.includes("parking spots"))).toBe(true);
    expect(results.map((r) => r.content)).toEqual(candidates.slice(-2).reverse());
    expect(results.map((r) => r.score)).toEqual([0.9, 0.8]);
  });
});

describe("changing the embedding model", () => {
  it("re-embeds every passage with the workspace's own model (Ollama, its own credentials) and drops the old vectors", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    await addFaq(owner, agentId);
    expect(await settings(owner)).toMatchObject({
      embedding: null,
      effective: { provider: "openai-compatible", model: "embed-a", source: "platform" },
      semanticSearch: "on",
      dimensions: 256,
      embeddedChunks: 6,
      totalChunks: 6,
      lastError: null,
    });

    const saved = await call(
      t.app,
      owner.bearer,
      "PUT",
      `/api/v1/workspaces/${owner.wsId}/providers/ollama`,
      {
        baseUrl: fake.ollamaUrl,
        skipCheck: true,
      },
    );
    expect(saved.statusCode, saved.body).toBe(200);
    const before = fake.requests.length;
    const put = await call(
      t.app,
      owner.bearer,
      "PUT",
      `/api/v1/workspaces/${owner.wsId}/knowledge/settings`,
      {
        embedding: { provider: "ollama", model: "embed-b" },
      },
    );
    expect(put.statusCode, put.body).toBe(200);
    // Without background workers the re-embedding runs at once: the answer shows it done.
    expect(put.json()).toMatchObject({
      embedding: { provider: "ollama", model: "embed-b" },
      effective: { provider: "ollama", model: "embed-b", source: "workspace" },
      dimensions: 384,
      embeddedChunks: 6,
      totalChunks: 6,
    });
    expect(new Set(fake.requests.slice(before).map((r) => `${r.api}:${r.model}`))).toEqual(
      new Set(["ollama:embed-b"]),
    );
    expect(await storedVectors(database, owner.wsId)).toEqual([{ model: "ollama:embed-b", dims: 384, n: 6 }]);

    // Searches embed the query with the new model and compare only with its vectors.
    const [best] = await search(owner, agentId, "Can I bring my puppy?");
    expect(best?.content).toContain("Dogs are welcome");
    expect(fake.requests.at(-1)).toMatchObject({
      api: "ollama",
      model: "embed-b",
      inputs: ["Can I bring my puppy?"],
    });

    // Back to the platform's model.
    const reset = await call(
      t.app,
      owner.bearer,
      "PUT",
      `/api/v1/workspaces/${owner.wsId}/knowledge/settings`,
      {
        embedding: null,
      },
    );
    expect(reset.json()).toMatchObject({
      embedding: null,
      effective: { source: "platform" },
      dimensions: 256,
    });
    expect(await storedVectors(database, owner.wsId)).toEqual([
      { model: "openai-compatible:embed-a", dims: 256, n: 6 },
    ]);
  });

  it("a new platform model re-embeds existing workspaces in the background after a restart", async () => {
    const db = await openTestPglite();
    const fakeB = await startFakeEmbeddings({ defaultDimensions: 256, dimensions: { "embed-b": 384 } });
    try {
      const first = await createTestApp({ database: db, env: env(fakeB.openaiUrl, "embed-a") });
      const owner = await newOwner(first.app);
      const agentId = await newAgent(owner, first.app);
      await addFaq(owner, agentId, first.app);
      await first.close();
      expect(await storedVectors(db, owner.wsId)).toEqual([
        { model: "openai-compatible:embed-a", dims: 256, n: 6 },
      ]);

      const second = await createTestApp({ database: db, env: env(fakeB.openaiUrl, "embed-b"), jobs: true });
      try {
        const done = await eventually(async () => {
          const stored = await storedVectors(db, owner.wsId);
          return stored.length === 1 && stored[0]!.model === "openai-compatible:embed-b" && stored[0]!.n === 6
            ? stored
            : undefined;
        }, 20_000);
        expect(done).toEqual([{ model: "openai-compatible:embed-b", dims: 384, n: 6 }]);
        expect(await settings(owner, second.app)).toMatchObject({ dimensions: 384, embeddedChunks: 6 });
        const [best] = await search(owner, agentId, "Can I bring my puppy?", second.app);
        expect(best?.content).toContain("Dogs are welcome");
      } finally {
        await second.close();
      }
    } finally {
      await db.close();
      await fakeB.close();
    }
  });
});

describe("a failing embedding provider", () => {
  it("leaves the source ready for lexical search, says why, and catches up once the provider is back", async () => {
    const owner = await newOwner();
    const agentId = await newAgent(owner);
    fake.failAll(503);
    try {
      const source = await addFaq(owner, agentId);
      expect(source).toMatchObject({ status: "ready", chunkCount: 6 });
      expect(await settings(owner)).toMatchObject({
        semanticSearch: "on",
        embeddedChunks: 0,
        totalChunks: 6,
        lastError: "The embedding model could not be used: provider answered HTTP 503",
      });
      // The query cannot be embedded either: lexical results still come back.
      const hits = await search(owner, agentId, "Is there parking?");
      expect(hits[0]?.content).toContain("parking spots");
      // Nor does a model that fails its check get saved.
      const put = await call(
        t.app,
        owner.bearer,
        "PUT",
        `/api/v1/workspaces/${owner.wsId}/knowledge/settings`,
        {
          embedding: { provider: "openai-compatible", model: "embed-b" },
        },
      );
      expect(put.statusCode, put.body).toBe(422);
      expect(put.json().error).toMatchObject({
        code: "PROVIDER_CHECK_FAILED",
        message: "The embedding model could not be used: provider answered HTTP 503",
      });
    } finally {
      fake.failAll(null);
    }
    // Saving the settings again retries what failed.
    const retry = await call(
      t.app,
      owner.bearer,
      "PUT",
      `/api/v1/workspaces/${owner.wsId}/knowledge/settings`,
      {
        embedding: null,
      },
    );
    expect(retry.json()).toMatchObject({ embeddedChunks: 6, lastError: null });
    expect((await search(owner, agentId, "Can I bring my puppy?"))[0]?.content).toContain("Dogs are welcome");
  });
});

describe("vector store", () => {
  it("keeps one HNSW index per vector size, used for the search's cast", async () => {
    await t.app.ctx.vectors.prepare(256);
    await t.app.ctx.vectors.prepare(384);
    const rows = await database.query<{ indexname: string; indexdef: string }>(
      "select indexname, indexdef from pg_indexes where tablename = 'knowledge_embeddings' and indexname like '%hnsw%' order by indexname",
    );
    expect(rows.map((r) => r.indexname)).toEqual([
      "knowledge_embeddings_hnsw_256",
      "knowledge_embeddings_hnsw_384",
    ]);
    expect(rows[0]!.indexdef).toMatch(
      /USING hnsw \(\(\(embedding\)::vector\(256\)\) vector_cosine_ops\) WHERE \(dims = 256\)/,
    );
    // With sequential scans off the planner can (and must be able to) walk the index.
    const plan = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const v = JSON.stringify(Array.from({ length: 256 }, (_, i) => (i === 0 ? 1 : 0)));
      return (await tx.execute(
        sql.raw(
          `explain select chunk_id from knowledge_embeddings where dims = 256 order by embedding::vector(256) <=> '${v}'::vector(256) limit 5`,
        ),
      )) as unknown as { rows: { "QUERY PLAN": string }[] };
    });
    expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("knowledge_embeddings_hnsw_256");
  });
});
