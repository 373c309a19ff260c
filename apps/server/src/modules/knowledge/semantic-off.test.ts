import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeEmbeddingsServer, startFakeEmbeddings } from "../../../test/fake-embeddings.ts";
import {
  call,
  createTestApp,
  createTestDatabase,
  createWorkspace,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import type { Database } from "../../platform/db/client.ts";

// A database without pgvector (the PostgreSQL of this project's CI is one): an embedding model
// is configured, yet nothing is embedded, nothing touches a vector table, search is lexical and
// says so. On PGlite, which has pgvector, the same database is opened as if it had not.

let fake: FakeEmbeddingsServer;
let configured: Database;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeEmbeddings();
  configured = await createTestDatabase();
  const database = configured.vectorAvailable ? { ...configured, vectorAvailable: false } : configured;
  t = await createTestApp({
    database,
    env: {
      AUTH_RATE_LIMIT_MAX: "10000",
      RATE_LIMIT_MAX: "10000",
      OPENAI_COMPATIBLE_BASE_URL: fake.openaiUrl,
      EMBEDDING_MODEL: "openai-compatible:embed-a",
    },
  });
});
afterAll(async () => {
  await t?.close();
  await configured?.close();
  await fake?.close();
});

describe("without pgvector", () => {
  it("keeps lexical search working and calls no embedding model", async () => {
    const owner = await signUp(t.app);
    const wsId = (await createWorkspace(t.app, owner.bearer)).id;
    const agent = await call(t.app, owner.bearer, "POST", `/api/v1/workspaces/${wsId}/agents`, {
      name: "Mia",
      provider: "builtin",
    });
    const base = `/api/v1/workspaces/${wsId}/agents/${agent.json().id}`;
    const source = await call(t.app, owner.bearer, "POST", `${base}/sources`, {
      type: "qa",
      pairs: [
        { question: "Are pets allowed?", answer: "Dogs are welcome on our terrace." },
        { question: "Is there parking?", answer: "There are ten free parking spots behind the shop." },
      ],
    });
    expect(source.json()).toMatchObject({ status: "ready", chunkCount: 2 });

    const search = async (query: string) =>
      (await call(t.app, owner.bearer, "POST", `${base}/knowledge/search`, { query })).json().results as {
        content: string;
      }[];
    expect((await search("Is there parking?"))[0]?.content).toContain("parking spots");
    // Only meaning links this question to the pets answer: without vectors it is not found.
    expect((await search("Can I bring my puppy?")).some((h) => h.content.includes("Dogs"))).toBe(false);
    expect(fake.requests).toHaveLength(0);

    const settings = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${wsId}/knowledge/settings`);
    expect(settings.json()).toMatchObject({
      semanticSearch: "unavailable",
      effective: { provider: "openai-compatible", model: "embed-a", source: "platform" },
      embeddedChunks: 0,
      totalChunks: 2,
    });
    // The vector table was never created (it cannot be without pgvector).
    const [table] = await t.database.query<{ t: string | null }>(
      "select to_regclass('public.knowledge_embeddings')::text as t",
    );
    expect(table?.t).toBeNull();
  });
});
