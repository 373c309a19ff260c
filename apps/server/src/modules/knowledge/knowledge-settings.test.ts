import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeEmbeddingsServer, startFakeEmbeddings } from "../../../test/fake-embeddings.ts";
import {
  addMember,
  call,
  createApiKey,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";

// The workspace's knowledge settings (its embedding model) through the API, on the database
// the run is configured with: who may read and change them, what is refused and why, and that
// a workspace's own provider key is the one used.

let fake: FakeEmbeddingsServer;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeEmbeddings({ models: ["embed-a", "embed-b"] });
  t = await createTestApp({
    env: {
      AUTH_RATE_LIMIT_MAX: "10000",
      RATE_LIMIT_MAX: "10000",
      ALLOW_PRIVATE_URLS: "127.0.0.1",
      OPENAI_COMPATIBLE_BASE_URL: fake.openaiUrl,
      EMBEDDING_MODEL: "openai-compatible:embed-a",
    },
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

type Owner = SignedUp & { wsId: string };
async function newOwner(): Promise<Owner> {
  const u = await signUp(t.app);
  return { ...u, wsId: (await createWorkspace(t.app, u.bearer)).id };
}
const url = (wsId: string) => `/api/v1/workspaces/${wsId}/knowledge/settings`;
const EMBED_A = { embedding: { provider: "openai-compatible", model: "embed-a" } };
const on = () => (t.database.vectorAvailable ? "on" : "unavailable");

describe("knowledge settings", () => {
  it("shows the platform's model until the workspace picks its own", async () => {
    const owner = await newOwner();
    const res = await call(t.app, owner.bearer, "GET", url(owner.wsId));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      embedding: null,
      effective: { provider: "openai-compatible", model: "embed-a", source: "platform" },
      semanticSearch: on(),
      dimensions: null,
      embeddedChunks: 0,
      totalChunks: 0,
      lastError: null,
    });
    const put = await call(t.app, owner.bearer, "PUT", url(owner.wsId), {
      embedding: { provider: "openai-compatible", model: "embed-b" },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      embedding: { provider: "openai-compatible", model: "embed-b" },
      effective: { provider: "openai-compatible", model: "embed-b", source: "workspace" },
    });
    // The model was tried before it was saved.
    expect(fake.requests.at(-1)).toMatchObject({ model: "embed-b", inputs: [expect.any(String)] });
  });

  it("uses the workspace's own key for its provider, and says so when that key is removed", async () => {
    const owner = await newOwner();
    const saved = await call(
      t.app,
      owner.bearer,
      "PUT",
      `/api/v1/workspaces/${owner.wsId}/providers/openai`,
      {
        apiKey: "sk-workspace-own-key",
        baseUrl: fake.openaiUrl,
        skipCheck: true,
      },
    );
    expect(saved.statusCode, saved.body).toBe(200);
    const put = await call(t.app, owner.bearer, "PUT", url(owner.wsId), {
      embedding: { provider: "openai", model: "embed-a" },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(fake.requests.at(-1)).toMatchObject({
      api: "openai",
      model: "embed-a",
      authorization: "Bearer sk-workspace-own-key",
    });

    const del = await call(
      t.app,
      owner.bearer,
      "DELETE",
      `/api/v1/workspaces/${owner.wsId}/providers/openai`,
    );
    expect(del.statusCode, del.body).toBe(204);
    const res = await call(t.app, owner.bearer, "GET", url(owner.wsId));
    expect(res.json()).toMatchObject({
      embedding: { provider: "openai", model: "embed-a" },
      effective: null,
      semanticSearch: t.database.vectorAvailable ? "off" : "unavailable",
      lastError: "OpenAI is not configured: add its credentials in the workspace's providers first",
    });
  });

  it("refuses unknown providers, unconfigured ones and models that do not work, keeping the old choice", async () => {
    const owner = await newOwner();
    const put = (body: unknown) => call(t.app, owner.bearer, "PUT", url(owner.wsId), body);
    expect((await put(EMBED_A)).statusCode).toBe(200);

    expectError(await put({ embedding: { provider: "anthropic", model: "x" } }), 400, "VALIDATION_FAILED");
    expectError(
      await put({ embedding: { provider: "openai-compatible", model: " " } }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(await put({}), 400, "VALIDATION_FAILED");
    const ollama = expectError(
      await put({ embedding: { provider: "ollama", model: "nomic-embed-text" } }),
      422,
      "PROVIDER_NOT_CONFIGURED",
    );
    expect(ollama.message).toBe(
      "Ollama (self-hosted) is not configured: add its credentials in the workspace's providers first",
    );
    const unknown = expectError(
      await put({ embedding: { provider: "openai-compatible", model: "no-such-model" } }),
      422,
      "PROVIDER_CHECK_FAILED",
    );
    expect(unknown.message).toBe("The embedding model could not be used: provider answered HTTP 404");

    const res = await call(t.app, owner.bearer, "GET", url(owner.wsId));
    expect(res.json().embedding).toEqual(EMBED_A.embedding);
  });

  it("lets owners and admins change it, members read it, and API keys act with the knowledge scopes", async () => {
    const owner = await newOwner();
    const member = async (role: "admin" | "operator" | "viewer") => {
      const u = await signUp(t.app);
      await addMember(t.app, owner.bearer, owner.wsId, u, role);
      return u;
    };
    const [admin, operator, viewer] = [
      await member("admin"),
      await member("operator"),
      await member("viewer"),
    ];
    expect((await call(t.app, admin.bearer, "PUT", url(owner.wsId), EMBED_A)).statusCode).toBe(200);
    for (const who of [operator, viewer]) {
      expect((await call(t.app, who.bearer, "GET", url(owner.wsId))).statusCode).toBe(200);
      expectError(await call(t.app, who.bearer, "PUT", url(owner.wsId), EMBED_A), 403, "FORBIDDEN");
    }

    const reader = await createApiKey(t.app, owner.bearer, owner.wsId, {
      name: "r",
      scopes: ["knowledge:read"],
    });
    const writer = await createApiKey(t.app, owner.bearer, owner.wsId, {
      name: "w",
      scopes: ["knowledge:write"],
    });
    const asKey = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
    expect((await call(t.app, asKey(reader.key), "GET", url(owner.wsId))).statusCode).toBe(200);
    expectError(await call(t.app, asKey(reader.key), "PUT", url(owner.wsId), EMBED_A), 403, "FORBIDDEN");
    const byKey = await call(t.app, asKey(writer.key), "PUT", url(owner.wsId), { embedding: null });
    expect(byKey.statusCode, byKey.body).toBe(200);
    expect(byKey.json()).toMatchObject({ embedding: null, effective: { source: "platform" } });
  });

  it("another workspace's members and keys get 404, and cannot change it", async () => {
    const owner = await newOwner();
    expect((await call(t.app, owner.bearer, "PUT", url(owner.wsId), EMBED_A)).statusCode).toBe(200);
    const stranger = await newOwner();
    const strangerKey = await createApiKey(t.app, stranger.bearer, stranger.wsId, {
      name: "k",
      scopes: ["knowledge:read", "knowledge:write"],
    });
    const key = { headers: { authorization: `Bearer ${strangerKey.key}` } };
    for (const who of [stranger.bearer, key]) {
      expectError(await call(t.app, who, "GET", url(owner.wsId)), 404, "NOT_FOUND");
      expectError(await call(t.app, who, "PUT", url(owner.wsId), { embedding: null }), 404, "NOT_FOUND");
    }
    const res = await call(t.app, owner.bearer, "GET", url(owner.wsId));
    expect(res.json().embedding).toEqual(EMBED_A.embedding);
    expectError(await call(t.app, { headers: {} }, "GET", url(owner.wsId)), 401, "UNAUTHENTICATED");
  });
});
