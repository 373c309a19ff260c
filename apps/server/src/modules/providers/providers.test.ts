import { createServer } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeAnthropic, startFakeOpenAI } from "../../../test/fake-llm.ts";
import {
  addMember,
  anonymous,
  asBearer,
  type Caller,
  call,
  createApiKey,
  createTestApp,
  createWorkspace,
  expectError,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { auditLog, providerCredentials } from "../../db/schema/index.ts";

// Model providers as a workspace sees them: the catalogue, its own keys (tested before they are
// saved, sealed at rest, never shown again, and really used for answers), who may change them,
// and the platform admin's price table as it shows up in the cost of an answer.

const RATE = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" };
const BUILTIN_LABEL = "Built-in (no AI model)";
const PLATFORM_KEY = "sk-platform-0a1b2c3d4e5f60718293";
const WS_KEY = "sk-proj-workspace-9f8e7d6c5b4a3210";
const COMPAT_KEY = "compat-secret-77aa88bb99cc00dd";
const ANTH_KEY = "sk-ant-workspace-1122334455667788";

const providersUrl = (wsId: string, provider = "") =>
  `/api/v1/workspaces/${wsId}/providers${provider ? `/${provider}` : ""}`;
const agentsUrl = (wsId: string) => `/api/v1/workspaces/${wsId}/agents`;
const PRICES_URL = "/api/v1/admin/model-prices";

type Entry = {
  id: string;
  label: string;
  configured: boolean;
  source: "builtin" | "platform" | "workspace" | null;
  keyHint: string | null;
  baseUrl: string | null;
  needsApiKey: boolean;
  needsBaseUrl: boolean;
  acceptsAnyModel: boolean;
  models: { id: string; label: string; inputPerMillion: number | null; outputPerMillion: number | null }[];
};

async function ownerWithWorkspace(t: TestApp, name = "Acme") {
  const owner = await signUp(t.app);
  const ws = await createWorkspace(t.app, owner.bearer, name);
  return { owner, ws };
}

async function catalogue(t: TestApp, who: Caller, wsId: string): Promise<Entry[]> {
  const res = await call(t.app, who, "GET", providersUrl(wsId));
  expect(res.statusCode, res.body).toBe(200);
  return res.json().providers;
}

const entry = (list: Entry[], id: string) => list.find((p) => p.id === id)!;

async function createAgent(t: TestApp, who: Caller, wsId: string, body: Record<string, unknown>) {
  const res = await call(t.app, who, "POST", agentsUrl(wsId), { name: "Barista", ...body });
  if (res.statusCode !== 201) throw new Error(`create agent failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string };
}

async function chat(t: TestApp, who: Caller, wsId: string, agentId: string, message: string) {
  const res = await call(t.app, who, "POST", `${agentsUrl(wsId)}/${agentId}/chat`, { message });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    message: { content: string; status: string } | null;
    usage: {
      provider: string;
      model: string;
      inputTokens: number;
      outputTokens: number;
      costUsd: number;
    };
    error: { code: string } | null;
  };
}

async function storedCredential(t: TestApp, wsId: string, provider: string) {
  const rows = await t.app.ctx.db
    .select()
    .from(providerCredentials)
    .where(eq(providerCredentials.workspaceId, wsId));
  return rows.find((r) => r.provider === provider);
}

/** A localhost port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const lastRequest = (fake: FakeLlmServer) => fake.requests.at(-1)!;

describe("providers (platform OpenAI, private URLs allowed for 127.0.0.1)", () => {
  let t: TestApp;
  let platform: FakeLlmServer;
  let wsFake: FakeLlmServer;
  let compat: FakeLlmServer;
  let anthropic: FakeLlmServer;
  let platformAdmin: SignedUp;

  beforeAll(async () => {
    platform = await startFakeOpenAI({ apiKey: PLATFORM_KEY });
    wsFake = await startFakeOpenAI({ apiKey: WS_KEY });
    compat = await startFakeOpenAI({ apiKey: COMPAT_KEY, models: ["llama-3.1-8b", "qwen-2.5"] });
    anthropic = await startFakeAnthropic({ apiKey: ANTH_KEY });
    t = await createTestApp({
      env: {
        ...RATE,
        ALLOW_PRIVATE_URLS: "127.0.0.1",
        OPENAI_API_KEY: PLATFORM_KEY,
        OPENAI_BASE_URL: platform.url,
      },
    });
    // The first account on a fresh database is the platform admin.
    platformAdmin = await signUp(t.app, { name: "Platform Admin" });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([platform, wsFake, compat, anthropic].map((f) => f?.close()));
  });

  it("lists the catalogue: builtin always configured, env providers from the platform", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const res = await call(t.app, owner.bearer, "GET", providersUrl(ws.id));
    expect(res.statusCode).toBe(200);
    const list = res.json().providers as Entry[];
    expect(list.map((p) => p.id)).toEqual([
      "builtin",
      "openai",
      "anthropic",
      "google",
      "groq",
      "openrouter",
      "deepseek",
      "ollama",
      "openai-compatible",
    ]);
    expect(entry(list, "builtin")).toEqual({
      id: "builtin",
      label: BUILTIN_LABEL,
      configured: true,
      source: "builtin",
      keyHint: null,
      baseUrl: null,
      needsApiKey: false,
      needsBaseUrl: false,
      acceptsAnyModel: false,
      models: [{ id: "builtin", label: BUILTIN_LABEL, inputPerMillion: 0, outputPerMillion: 0 }],
    });
    expect(entry(list, "openai")).toMatchObject({
      label: "OpenAI",
      configured: true,
      source: "platform",
      keyHint: null,
      baseUrl: null,
      needsApiKey: true,
    });
    expect(entry(list, "openai").models).toContainEqual({
      id: "gpt-4o-mini",
      label: "gpt-4o-mini",
      inputPerMillion: 0.15,
      outputPerMillion: 0.6,
    });
    for (const id of [
      "anthropic",
      "google",
      "groq",
      "openrouter",
      "deepseek",
      "ollama",
      "openai-compatible",
    ]) {
      expect(entry(list, id), id).toMatchObject({ configured: false, source: null, keyHint: null });
    }
    expect(entry(list, "openai-compatible")).toMatchObject({
      needsBaseUrl: true,
      needsApiKey: false,
      models: [],
    });
    // The platform's key and endpoint are the operator's business.
    expect(res.body).not.toContain(PLATFORM_KEY);
    expect(res.body).not.toContain(platform.url);
  });

  it("saves a good OpenAI key: masked hint only, sealed at rest, never in the audit log", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const res = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai"), {
      apiKey: WS_KEY,
      baseUrl: wsFake.url,
    });
    expect(res.statusCode, res.body).toBe(200);
    const saved = res.json() as Entry;
    expect(saved).toMatchObject({ id: "openai", configured: true, source: "workspace", baseUrl: wsFake.url });
    expect(saved.keyHint).toBeTruthy();
    expect(saved.keyHint).not.toBe(WS_KEY);
    expect(saved.keyHint).toContain("…");
    expect(saved.keyHint!.endsWith(WS_KEY.slice(-4))).toBe(true);
    expect(saved.keyHint!.length).toBeLessThan(WS_KEY.length / 2);
    expect(res.body).not.toContain(WS_KEY);

    const list = await call(t.app, owner.bearer, "GET", providersUrl(ws.id));
    expect(entry(list.json().providers, "openai")).toEqual(saved);
    expect(list.body).not.toContain(WS_KEY);

    const row = await storedCredential(t, ws.id, "openai");
    expect(row!.apiKeySealed!.startsWith("enc:v1:")).toBe(true);
    expect(row!.apiKeySealed).not.toContain(WS_KEY);
    expect(JSON.stringify(row)).not.toContain(WS_KEY);

    const log = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${ws.id}/audit-log`);
    expect(log.statusCode).toBe(200);
    const entries = log.json().entries as { action: string; metadata: Record<string, unknown> }[];
    expect(entries.find((e) => e.action === "provider.saved")?.metadata).toMatchObject({
      provider: "openai",
      keyHint: saved.keyHint,
    });
    expect(log.body).not.toContain(WS_KEY);
    const rawAudit = await t.app.ctx.db.select().from(auditLog).where(eq(auditLog.workspaceId, ws.id));
    expect(JSON.stringify(rawAudit)).not.toContain(WS_KEY);
  });

  it("refuses a key the provider rejects with 422 PROVIDER_CHECK_FAILED and stores nothing", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const wrong = "sk-proj-wrong-key-000000000000";
    const res = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai"), {
      apiKey: wrong,
      baseUrl: wsFake.url,
    });
    expectError(res, 422, "PROVIDER_CHECK_FAILED");
    expect(res.body).not.toContain(wrong);
    expect(await storedCredential(t, ws.id, "openai")).toBeUndefined();
    expect(entry(await catalogue(t, owner.bearer, ws.id), "openai").source).toBe("platform");

    // A failed replacement leaves a working key in place.
    await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai"), {
      apiKey: WS_KEY,
      baseUrl: wsFake.url,
    });
    const hint = entry(await catalogue(t, owner.bearer, ws.id), "openai").keyHint;
    expectError(
      await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai"), { apiKey: wrong }),
      422,
      "PROVIDER_CHECK_FAILED",
    );
    expect(entry(await catalogue(t, owner.bearer, ws.id), "openai")).toMatchObject({
      source: "workspace",
      keyHint: hint,
    });
  });

  it("refuses a server that cannot be reached with 422 PROVIDER_CHECK_FAILED", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const port = await closedPort();
    expectError(
      await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai"), {
        apiKey: WS_KEY,
        baseUrl: `http://127.0.0.1:${port}/v1`,
      }),
      422,
      "PROVIDER_CHECK_FAILED",
    );
    expectError(
      await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai-compatible"), {
        baseUrl: `http://127.0.0.1:${port}/v1`,
      }),
      422,
      "PROVIDER_CHECK_FAILED",
    );
    expect(await storedCredential(t, ws.id, "openai")).toBeUndefined();
    expect(await storedCredential(t, ws.id, "openai-compatible")).toBeUndefined();

    // skipCheck saves a server that is not up yet.
    const skipped = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai-compatible"), {
      baseUrl: `http://127.0.0.1:${port}/v1`,
      models: ["later-model"],
      skipCheck: true,
    });
    expect(skipped.statusCode, skipped.body).toBe(200);
    expect(skipped.json()).toMatchObject({
      source: "workspace",
      keyHint: null,
      baseUrl: `http://127.0.0.1:${port}/v1`,
    });
    expect(skipped.json().models.map((m: { id: string }) => m.id)).toEqual(["later-model"]);
  });

  it("refuses bodies that miss what the provider needs", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    expectError(
      await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "anthropic"), { baseUrl: anthropic.url }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(
      await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai-compatible"), {
        apiKey: COMPAT_KEY,
      }),
      400,
      "VALIDATION_FAILED",
    );
    for (const [provider, body] of [
      ["builtin", { apiKey: "x" }],
      ["skynet", { apiKey: "x" }],
      ["openai", { apiKey: "" }],
      ["openai", { apiKey: WS_KEY, baseUrl: "ftp://127.0.0.1/" }],
      ["openai", { apiKey: WS_KEY, colour: "blue" }],
    ] as const) {
      const res = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, provider), body);
      expect(res.statusCode, `${provider} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body).not.toContain(WS_KEY);
    }
    expect(await storedCredential(t, ws.id, "openai")).toBeUndefined();
  });

  it("uses the workspace's own key for its agents, and the platform's for everyone else", async () => {
    const mine = await ownerWithWorkspace(t, "Own key");
    const other = await ownerWithWorkspace(t, "Platform key");
    const put = await call(t.app, mine.owner.bearer, "PUT", providersUrl(mine.ws.id, "openai"), {
      apiKey: WS_KEY,
      baseUrl: wsFake.url,
    });
    expect(put.statusCode, put.body).toBe(200);

    const agent = await createAgent(t, mine.owner.bearer, mine.ws.id, {
      provider: "openai",
      model: "gpt-4o-mini",
    });
    const wsBefore = wsFake.requests.length;
    const platformBefore = platform.requests.length;
    const turn = await chat(
      t,
      mine.owner.bearer,
      mine.ws.id,
      agent.id,
      "Which beans are in the house blend?",
    );
    expect(turn.message).toMatchObject({
      status: "complete",
      content: "You said: Which beans are in the house blend?",
    });
    expect(turn.usage).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });
    expect(wsFake.requests.length).toBe(wsBefore + 1);
    expect(platform.requests.length).toBe(platformBefore);
    const sent = lastRequest(wsFake);
    expect(sent.headers.authorization).toBe(`Bearer ${WS_KEY}`);
    expect(sent.body.model).toBe("gpt-4o-mini");
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: "Which beans are in the house blend?" });

    // Another workspace has no key of its own: the platform's answers, with the platform key.
    const theirs = await createAgent(t, other.owner.bearer, other.ws.id, {
      provider: "openai",
      model: "gpt-4o",
    });
    const theirTurn = await chat(t, other.owner.bearer, other.ws.id, theirs.id, "Hello from elsewhere");
    expect(theirTurn.message?.content).toBe("You said: Hello from elsewhere");
    expect(wsFake.requests.length).toBe(wsBefore + 1);
    expect(lastRequest(platform).headers.authorization).toBe(`Bearer ${PLATFORM_KEY}`);

    // Removing the workspace key hands the agent back to the platform.
    const del = await call(t.app, mine.owner.bearer, "DELETE", providersUrl(mine.ws.id, "openai"));
    expect(del.statusCode).toBe(204);
    const after = await chat(t, mine.owner.bearer, mine.ws.id, agent.id, "Still there?");
    expect(after.message?.content).toBe("You said: Still there?");
    expect(wsFake.requests.length).toBe(wsBefore + 1);
    expect(lastRequest(platform).headers.authorization).toBe(`Bearer ${PLATFORM_KEY}`);
  });

  it("saves an OpenAI-compatible server, offers the models it lists and uses it for chat", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    // Not configured yet: agents cannot pick it.
    expectError(
      await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), {
        name: "Local",
        provider: "openai-compatible",
        model: "llama-3.1-8b",
      }),
      422,
      "PROVIDER_NOT_CONFIGURED",
    );
    expectError(
      await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai-compatible"), {
        baseUrl: compat.url,
        apiKey: "compat-wrong-key-0000",
      }),
      422,
      "PROVIDER_CHECK_FAILED",
    );

    const res = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai-compatible"), {
      baseUrl: compat.url,
      apiKey: COMPAT_KEY,
    });
    expect(res.statusCode, res.body).toBe(200);
    const saved = res.json() as Entry;
    expect(saved).toMatchObject({ configured: true, source: "workspace", baseUrl: compat.url });
    expect(saved.models.map((m) => m.id)).toEqual(["llama-3.1-8b", "qwen-2.5"]);
    expect(res.body).not.toContain(COMPAT_KEY);
    const row = await storedCredential(t, ws.id, "openai-compatible");
    expect(row!.apiKeySealed!.startsWith("enc:v1:")).toBe(true);
    expect(row!.apiKeySealed).not.toContain(COMPAT_KEY);

    const agent = await createAgent(t, owner.bearer, ws.id, {
      provider: "openai-compatible",
      model: "qwen-2.5",
    });
    const turn = await chat(t, owner.bearer, ws.id, agent.id, "Ping");
    expect(turn.message).toMatchObject({ status: "complete", content: "You said: Ping" });
    expect(lastRequest(compat).headers.authorization).toBe(`Bearer ${COMPAT_KEY}`);
    expect(lastRequest(compat).body.model).toBe("qwen-2.5");

    // A PUT without apiKey keeps the stored key (here: the model list changes on its own).
    const models = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai-compatible"), {
      models: ["qwen-2.5"],
    });
    expect(models.statusCode, models.body).toBe(200);
    expect(models.json()).toMatchObject({ keyHint: saved.keyHint, baseUrl: compat.url });
    expect(models.json().models.map((m: { id: string }) => m.id)).toEqual(["qwen-2.5"]);
    await chat(t, owner.bearer, ws.id, agent.id, "Ping again");
    expect(lastRequest(compat).headers.authorization).toBe(`Bearer ${COMPAT_KEY}`);
  });

  it("saves Anthropic credentials against the Messages API and uses them", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    expectError(
      await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "anthropic"), {
        apiKey: "sk-ant-wrong-0000000000",
        baseUrl: anthropic.url,
      }),
      422,
      "PROVIDER_CHECK_FAILED",
    );
    const res = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "anthropic"), {
      apiKey: ANTH_KEY,
      baseUrl: anthropic.url,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: "anthropic", configured: true, source: "workspace" });
    expect(res.json().keyHint.endsWith(ANTH_KEY.slice(-4))).toBe(true);
    expect(res.body).not.toContain(ANTH_KEY);
    const row = await storedCredential(t, ws.id, "anthropic");
    expect(row!.apiKeySealed!.startsWith("enc:v1:")).toBe(true);
    expect(row!.apiKeySealed).not.toContain(ANTH_KEY);

    const agent = await createAgent(t, owner.bearer, ws.id, {
      provider: "anthropic",
      model: "claude-haiku-4-5",
    });
    anthropic.enqueue({ kind: "text", text: "Our house blend is Brazilian and Ethiopian beans." });
    const turn = await chat(t, owner.bearer, ws.id, agent.id, "House blend?");
    expect(turn.message).toMatchObject({
      status: "complete",
      content: "Our house blend is Brazilian and Ethiopian beans.",
    });
    expect(turn.usage).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5" });
    expect(lastRequest(anthropic).headers["x-api-key"]).toBe(ANTH_KEY);
  });

  it("deletes workspace credentials: 204, then 404", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "anthropic"), {
      apiKey: ANTH_KEY,
      baseUrl: anthropic.url,
    });
    const del = await call(t.app, owner.bearer, "DELETE", providersUrl(ws.id, "anthropic"));
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe("");
    expectError(
      await call(t.app, owner.bearer, "DELETE", providersUrl(ws.id, "anthropic")),
      404,
      "NOT_FOUND",
    );
    expect(await storedCredential(t, ws.id, "anthropic")).toBeUndefined();
    expect(entry(await catalogue(t, owner.bearer, ws.id), "anthropic")).toMatchObject({
      configured: false,
      source: null,
      keyHint: null,
      baseUrl: null,
    });
    // Nothing to delete when only the platform configures it.
    expectError(await call(t.app, owner.bearer, "DELETE", providersUrl(ws.id, "openai")), 404, "NOT_FOUND");
    // And agents can no longer pick it.
    expectError(
      await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), {
        name: "Claude",
        provider: "anthropic",
        model: "claude-haiku-4-5",
      }),
      422,
      "PROVIDER_NOT_CONFIGURED",
    );
    const log = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${ws.id}/audit-log`);
    const actions = (log.json().entries as { action: string }[]).map((e) => e.action);
    expect(actions).toContain("provider.saved");
    expect(actions).toContain("provider.deleted");
  });

  it("lets owner and admin change credentials; operator, viewer and API keys only read", async () => {
    const { owner, ws } = await ownerWithWorkspace(t, "Team");
    const as: Record<string, Caller> = {};
    for (const role of ["admin", "operator", "viewer"] as const) {
      const u = await signUp(t.app);
      await addMember(t.app, owner.bearer, ws.id, u, role);
      as[role] = u.bearer;
    }
    const body = { apiKey: ANTH_KEY, baseUrl: anthropic.url };
    const byAdmin = await call(t.app, as.admin!, "PUT", providersUrl(ws.id, "anthropic"), body);
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);

    for (const role of ["operator", "viewer"] as const) {
      const list = await catalogue(t, as[role]!, ws.id);
      expect(entry(list, "anthropic"), role).toMatchObject({ source: "workspace" });
      expectError(
        await call(t.app, as[role]!, "PUT", providersUrl(ws.id, "anthropic"), body),
        403,
        "FORBIDDEN",
      );
      expectError(
        await call(t.app, as[role]!, "PUT", providersUrl(ws.id, "openai"), {
          apiKey: WS_KEY,
          baseUrl: wsFake.url,
        }),
        403,
        "FORBIDDEN",
      );
      expectError(await call(t.app, as[role]!, "DELETE", providersUrl(ws.id, "anthropic")), 403, "FORBIDDEN");
    }

    const reader = asBearer(
      (await createApiKey(t.app, owner.bearer, ws.id, { name: "r", scopes: ["agents:read"] })).key,
    );
    const all = asBearer((await createApiKey(t.app, owner.bearer, ws.id, { name: "all" })).key);
    const none = asBearer(
      (await createApiKey(t.app, owner.bearer, ws.id, { name: "n", scopes: ["conversations:read"] })).key,
    );
    expect(entry(await catalogue(t, reader, ws.id), "anthropic").source).toBe("workspace");
    expectError(await call(t.app, none, "GET", providersUrl(ws.id)), 403, "FORBIDDEN");
    for (const key of [reader, all]) {
      expectError(await call(t.app, key, "PUT", providersUrl(ws.id, "anthropic"), body), 403, "FORBIDDEN");
      expectError(await call(t.app, key, "DELETE", providersUrl(ws.id, "anthropic")), 403, "FORBIDDEN");
    }
    expectError(await call(t.app, anonymous, "GET", providersUrl(ws.id)), 401, "UNAUTHENTICATED");

    expect((await call(t.app, as.admin!, "DELETE", providersUrl(ws.id, "anthropic"))).statusCode).toBe(204);
  });

  it("keeps credentials inside their workspace (members and API keys of another get 404)", async () => {
    const a = await ownerWithWorkspace(t, "Mine");
    const b = await ownerWithWorkspace(t, "Theirs");
    const put = await call(t.app, a.owner.bearer, "PUT", providersUrl(a.ws.id, "openai"), {
      apiKey: WS_KEY,
      baseUrl: wsFake.url,
    });
    expect(put.statusCode).toBe(200);
    const bKey = asBearer((await createApiKey(t.app, b.owner.bearer, b.ws.id, { name: "b" })).key);

    for (const who of [b.owner.bearer, bKey]) {
      const list = await call(t.app, who, "GET", providersUrl(a.ws.id));
      expectError(list, 404, "NOT_FOUND");
      expect(list.body).not.toContain(wsFake.url);
      expectError(
        await call(t.app, who, "PUT", providersUrl(a.ws.id, "openai"), { apiKey: "sk-evil-000000000000" }),
        404,
        "NOT_FOUND",
      );
      expectError(await call(t.app, who, "DELETE", providersUrl(a.ws.id, "openai")), 404, "NOT_FOUND");
      // Their own catalogue shows nothing of A's.
      const own = await call(t.app, who, "GET", providersUrl(b.ws.id));
      expect(own.statusCode).toBe(200);
      expect(entry(own.json().providers, "openai")).toMatchObject({
        source: "platform",
        keyHint: null,
        baseUrl: null,
      });
      expect(own.body).not.toContain(wsFake.url);
      expect(own.body).not.toContain(put.json().keyHint);
    }
    // B deleting "its" openai credentials does not touch A's.
    expectError(
      await call(t.app, b.owner.bearer, "DELETE", providersUrl(b.ws.id, "openai")),
      404,
      "NOT_FOUND",
    );
    expect(entry(await catalogue(t, a.owner.bearer, a.ws.id), "openai")).toMatchObject({
      source: "workspace",
      keyHint: put.json().keyHint,
      baseUrl: wsFake.url,
    });
    // B's agents do not get A's key.
    const agent = await createAgent(t, b.owner.bearer, b.ws.id, { provider: "openai", model: "gpt-4o-mini" });
    const before = wsFake.requests.length;
    await chat(t, b.owner.bearer, b.ws.id, agent.id, "Whose key is this?");
    expect(wsFake.requests.length).toBe(before);
    expect(lastRequest(platform).headers.authorization).toBe(`Bearer ${PLATFORM_KEY}`);
  });

  describe("price table", () => {
    it("is for the platform admin only", async () => {
      const { owner, ws } = await ownerWithWorkspace(t);
      const key = asBearer((await createApiKey(t.app, owner.bearer, ws.id, { name: "k" })).key);
      const price = { provider: "openai", model: "gpt-4o-mini", inputPerMillion: 1, outputPerMillion: 1 };
      for (const who of [owner.bearer, key]) {
        expectError(await call(t.app, who, "GET", PRICES_URL), 403, "FORBIDDEN");
        expectError(await call(t.app, who, "PUT", PRICES_URL, price), 403, "FORBIDDEN");
        expectError(
          await call(t.app, who, "DELETE", `${PRICES_URL}?provider=openai&model=gpt-4o-mini`),
          403,
          "FORBIDDEN",
        );
      }
      expectError(await call(t.app, anonymous, "GET", PRICES_URL), 401, "UNAUTHENTICATED");
      const list = await call(t.app, platformAdmin.bearer, "GET", PRICES_URL);
      expect(list.statusCode).toBe(200);
      expect(list.json().prices).toContainEqual({
        provider: "openai",
        model: "gpt-4o-mini",
        inputPerMillion: 0.15,
        outputPerMillion: 0.6,
        source: "default",
      });
      expect(list.json().prices.some((p: { provider: string }) => p.provider === "builtin")).toBe(false);
    });

    it("sets a price that the next answer's cost reflects; DELETE restores the default", async () => {
      const { owner, ws } = await ownerWithWorkspace(t, "Priced");
      const agent = await createAgent(t, owner.bearer, ws.id, { provider: "openai", model: "gpt-4o-mini" });
      const usage = { input: 1200, output: 345 };

      const set = await call(t.app, platformAdmin.bearer, "PUT", PRICES_URL, {
        provider: "openai",
        model: "gpt-4o-mini",
        inputPerMillion: 3,
        outputPerMillion: 7,
      });
      expect(set.statusCode, set.body).toBe(200);
      expect(set.json().prices).toContainEqual({
        provider: "openai",
        model: "gpt-4o-mini",
        inputPerMillion: 3,
        outputPerMillion: 7,
        source: "custom",
      });
      expect(entry(await catalogue(t, owner.bearer, ws.id), "openai").models).toContainEqual({
        id: "gpt-4o-mini",
        label: "gpt-4o-mini",
        inputPerMillion: 3,
        outputPerMillion: 7,
      });

      platform.enqueue({ kind: "text", text: "A flat white is 4.50.", usage });
      const custom = await chat(t, owner.bearer, ws.id, agent.id, "How much is a flat white?");
      expect(custom.message?.content).toBe("A flat white is 4.50.");
      expect(custom.usage).toMatchObject({ inputTokens: usage.input, outputTokens: usage.output });
      expect(custom.usage.costUsd).toBeCloseTo((usage.input * 3 + usage.output * 7) / 1e6, 10);

      const reset = await call(
        t.app,
        platformAdmin.bearer,
        "DELETE",
        `${PRICES_URL}?provider=openai&model=gpt-4o-mini`,
      );
      expect(reset.statusCode, reset.body).toBe(200);
      expect(reset.json().prices).toContainEqual({
        provider: "openai",
        model: "gpt-4o-mini",
        inputPerMillion: 0.15,
        outputPerMillion: 0.6,
        source: "default",
      });
      expectError(
        await call(t.app, platformAdmin.bearer, "DELETE", `${PRICES_URL}?provider=openai&model=gpt-4o-mini`),
        404,
        "NOT_FOUND",
      );

      platform.enqueue({ kind: "text", text: "Still 4.50.", usage });
      const standard = await chat(t, owner.bearer, ws.id, agent.id, "And now?");
      expect(standard.usage.costUsd).toBeCloseTo((usage.input * 0.15 + usage.output * 0.6) / 1e6, 10);
    });

    it("prices a model the catalogue does not know once the admin adds it", async () => {
      const { owner, ws } = await ownerWithWorkspace(t, "Fine-tuned");
      const agent = await createAgent(t, owner.bearer, ws.id, {
        provider: "openai",
        model: "ft:gpt-4o-mini:acme",
      });
      const usage = { input: 2000, output: 1000 };
      platform.enqueue({ kind: "text", text: "Unpriced.", usage });
      expect((await chat(t, owner.bearer, ws.id, agent.id, "Hi")).usage.costUsd).toBe(0);

      const set = await call(t.app, platformAdmin.bearer, "PUT", PRICES_URL, {
        provider: "openai",
        model: "ft:gpt-4o-mini:acme",
        inputPerMillion: 0.3,
        outputPerMillion: 1.2,
      });
      expect(set.statusCode).toBe(200);
      platform.enqueue({ kind: "text", text: "Priced.", usage });
      expect((await chat(t, owner.bearer, ws.id, agent.id, "Hi again")).usage.costUsd).toBeCloseTo(
        (2000 * 0.3 + 1000 * 1.2) / 1e6,
        10,
      );
      expectError(
        await call(t.app, platformAdmin.bearer, "PUT", PRICES_URL, {
          provider: "openai",
          model: "gpt-4o",
          inputPerMillion: -1,
          outputPerMillion: 1,
        }),
        400,
        "VALIDATION_FAILED",
      );
      const del = await call(
        t.app,
        platformAdmin.bearer,
        "DELETE",
        `${PRICES_URL}?provider=openai&model=ft:gpt-4o-mini:acme`,
      );
      expect(del.statusCode).toBe(200);
      expect(del.json().prices.some((p: { model: string }) => p.model === "ft:gpt-4o-mini:acme")).toBe(false);
    });
  });
});

describe("providers without ALLOW_PRIVATE_URLS", () => {
  let t: TestApp;
  let fake: FakeLlmServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = await createTestApp({ env: RATE });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it("shows only builtin as configured when the platform configures nothing", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const list = await catalogue(t, owner.bearer, ws.id);
    expect(list.filter((p) => p.configured).map((p) => p.id)).toEqual(["builtin"]);
    expect(entry(list, "builtin")).toMatchObject({ label: BUILTIN_LABEL, source: "builtin" });
  });

  it("refuses private base URLs with 400 URL_NOT_ALLOWED", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    for (const [provider, body] of [
      ["openai", { apiKey: fake.apiKey, baseUrl: fake.url }],
      ["openai-compatible", { apiKey: fake.apiKey, baseUrl: fake.url }],
      ["openai-compatible", { baseUrl: "http://localhost:8000/v1" }],
      ["ollama", { baseUrl: "http://127.0.0.1:11434/api" }],
      ["openai", { apiKey: fake.apiKey, baseUrl: "http://169.254.169.254/latest" }],
      ["openai", { apiKey: fake.apiKey, baseUrl: "http://10.1.2.3/v1", skipCheck: true }],
    ] as const) {
      const res = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, provider), body);
      expect(res.statusCode, `${provider} ${body.baseUrl}: ${res.body}`).toBe(400);
      expectError(res, 400, "URL_NOT_ALLOWED");
    }
    expect(await storedCredential(t, ws.id, "openai")).toBeUndefined();
    expect(await storedCredential(t, ws.id, "openai-compatible")).toBeUndefined();
    expect(await storedCredential(t, ws.id, "ollama")).toBeUndefined();
    expect(entry(await catalogue(t, owner.bearer, ws.id), "openai").configured).toBe(false);
  });
});

describe("provider credentials and the circuit breaker", () => {
  let t: TestApp;
  let fake: FakeLlmServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: WS_KEY });
    t = await createTestApp({
      env: {
        ...RATE,
        ALLOW_PRIVATE_URLS: "127.0.0.1",
        LLM_MAX_RETRIES: "0",
        LLM_BREAKER_THRESHOLD: "1",
        LLM_BREAKER_COOLDOWN_SECONDS: "600",
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it("a corrected key is used at once, even after the old one tripped the breaker", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    // Saved without the test call, so a wrong key gets in.
    const wrong = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai"), {
      apiKey: "sk-proj-typo-0000000000000000",
      baseUrl: fake.url,
      skipCheck: true,
    });
    expect(wrong.statusCode, wrong.body).toBe(200);
    const agent = await createAgent(t, owner.bearer, ws.id, { provider: "openai", model: "gpt-4o-mini" });
    const failed = await chat(t, owner.bearer, ws.id, agent.id, "Hello?");
    expect(failed.message?.status).toBe("failed");
    expect(failed.error?.code).toBe("MODEL_UNAVAILABLE");

    // The admin fixes the key; the check call proves it works.
    const fixed = await call(t.app, owner.bearer, "PUT", providersUrl(ws.id, "openai"), { apiKey: WS_KEY });
    expect(fixed.statusCode, fixed.body).toBe(200);
    const before = fake.requests.length;
    const turn = await chat(t, owner.bearer, ws.id, agent.id, "Hello again");
    expect(turn.error).toBeNull();
    expect(turn.message).toMatchObject({ status: "complete", content: "You said: Hello again" });
    expect(fake.requests.length).toBe(before + 1);
    expect(lastRequest(fake).headers.authorization).toBe(`Bearer ${WS_KEY}`);
  });
});
