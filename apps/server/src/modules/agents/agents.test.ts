import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

// Agents as the people who build them see them: defaults, validation, the model checks made on
// save, the per-workspace limit, who may change what, and that other tenants see nothing.

const RATE = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" };
const BUILTIN_LABEL = "Built-in (no AI model)";

const agentsUrl = (wsId: string, agentId = "") =>
  `/api/v1/workspaces/${wsId}/agents${agentId ? `/${agentId}` : ""}`;

type Agent = {
  id: string;
  workspaceId: string;
  name: string;
  instructions: string;
  provider: string;
  model: string;
  modelLabel: string;
  temperature: number;
  maxTokens: number;
  fallback: { provider: string; model: string } | null;
  welcomeMessage: string | null;
  suggestedQuestions: string[];
  quickAnswers: { question: string; answer: string }[];
  language: string;
  unknownAnswerBehaviour: string;
  publicKey: string;
  status: string;
  createdAt: string;
  updatedAt: string;
};

async function ownerWithWorkspace(t: TestApp, name = "Acme") {
  const owner = await signUp(t.app);
  const ws = await createWorkspace(t.app, owner.bearer, name);
  return { owner, ws };
}

async function createAgent(t: TestApp, who: Caller, wsId: string, body: Record<string, unknown> = {}) {
  const res = await call(t.app, who, "POST", agentsUrl(wsId), { name: "Barista", ...body });
  if (res.statusCode !== 201) throw new Error(`create agent failed: ${res.statusCode} ${res.body}`);
  return res.json() as Agent;
}

async function auditEntries(t: TestApp, owner: SignedUp, wsId: string) {
  const res = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${wsId}/audit-log?limit=200`);
  expect(res.statusCode).toBe(200);
  return res.json().entries as {
    action: string;
    actorUserId: string | null;
    targetType: string | null;
    targetId: string | null;
    metadata: Record<string, unknown> | null;
  }[];
}

describe("agents (no model provider configured)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: RATE });
  });
  afterAll(async () => t?.close());

  it("creates an agent with the built-in responder and documented defaults", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const res = await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), { name: "  Barista  " });
    expect(res.statusCode).toBe(201);
    const agent = res.json() as Agent;
    expect(agent.id).toMatch(/^agt_/);
    expect(agent).toMatchObject({
      workspaceId: ws.id,
      name: "Barista",
      instructions: "",
      provider: "builtin",
      model: "builtin",
      modelLabel: BUILTIN_LABEL,
      temperature: 0.3,
      maxTokens: 1024,
      fallback: null,
      welcomeMessage: null,
      suggestedQuestions: [],
      quickAnswers: [],
      language: "auto",
      unknownAnswerBehaviour: "say-so",
      status: "draft",
    });
    expect(agent.publicKey).toMatch(/^pk_/);

    const got = await call(t.app, owner.bearer, "GET", agentsUrl(ws.id, agent.id));
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(agent);
    const list = await call(t.app, owner.bearer, "GET", agentsUrl(ws.id));
    expect(list.statusCode).toBe(200);
    expect(list.json().agents).toEqual([agent]);
  });

  it("stores every field it is given", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const body = {
      name: "Night owl",
      instructions: "You are the night shift barista. Be brief.",
      provider: "builtin",
      temperature: 1.5,
      maxTokens: 500,
      fallback: { provider: "builtin", model: "anything" },
      welcomeMessage: "Hi! Ask me about our beans.",
      suggestedQuestions: ["When are you open?", "Do you roast in-house?"],
      quickAnswers: [{ question: "When are you open?", answer: "Every day 7am to 11pm." }],
      language: "th",
      unknownAnswerBehaviour: "capture-lead",
      status: "live",
    };
    const agent = await createAgent(t, owner.bearer, ws.id, body);
    expect(agent).toMatchObject({
      ...body,
      model: "builtin",
      modelLabel: BUILTIN_LABEL,
      fallback: { provider: "builtin", model: "builtin" },
    });
    // A model given without a provider still uses the platform default (builtin here).
    const modelOnly = await createAgent(t, owner.bearer, ws.id, { model: "gpt-4o" });
    expect(modelOnly).toMatchObject({ provider: "builtin", model: "builtin" });
  });

  it("refuses invalid bodies with 400 VALIDATION_FAILED", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const bad: Record<string, unknown>[] = [
      { name: "" },
      { name: "   " },
      {},
      { name: "x".repeat(81) },
      { name: "Temp", temperature: 3 },
      { name: "Temp", temperature: -0.1 },
      { name: "Tokens", maxTokens: 8 },
      { name: "Prov", provider: "skynet", model: "t-800" },
      { name: "Lang", language: "fr" },
      { name: "Behaviour", unknownAnswerBehaviour: "improvise" },
      { name: "Status", status: "archived" },
      { name: "Extra", colour: "blue" },
      { name: "Fallback", fallback: { provider: "builtin", model: "builtin", extra: 1 } },
      { name: "QA", quickAnswers: [{ question: "", answer: "x" }] },
    ];
    for (const body of bad) {
      const res = await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expectError(res, 400, "VALIDATION_FAILED");
    }
    const list = await call(t.app, owner.bearer, "GET", agentsUrl(ws.id));
    expect(list.json().agents).toEqual([]);
  });

  it("refuses a model provider that is not configured with 422 PROVIDER_NOT_CONFIGURED", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    expectError(
      await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), {
        name: "Smart",
        provider: "openai",
        model: "gpt-4o-mini",
      }),
      422,
      "PROVIDER_NOT_CONFIGURED",
    );
    // The fallback is checked too.
    expectError(
      await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), {
        name: "Smart",
        fallback: { provider: "anthropic", model: "claude-haiku-4-5" },
      }),
      422,
      "PROVIDER_NOT_CONFIGURED",
    );
    expect((await call(t.app, owner.bearer, "GET", agentsUrl(ws.id))).json().agents).toEqual([]);

    const agent = await createAgent(t, owner.bearer, ws.id);
    expectError(
      await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
        provider: "openai",
        model: "gpt-4o",
      }),
      422,
      "PROVIDER_NOT_CONFIGURED",
    );
    expectError(
      await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
        fallback: { provider: "groq", model: "llama-3.1-8b-instant" },
      }),
      422,
      "PROVIDER_NOT_CONFIGURED",
    );
    const after = await call(t.app, owner.bearer, "GET", agentsUrl(ws.id, agent.id));
    expect(after.json()).toMatchObject({ provider: "builtin", model: "builtin", fallback: null });
  });

  it("changes only the fields a PATCH names", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const agent = await createAgent(t, owner.bearer, ws.id, {
      instructions: "Talk about coffee.",
      welcomeMessage: "Hello!",
      suggestedQuestions: ["Opening hours?"],
    });
    const res = await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
      name: "Head barista",
      temperature: 0.9,
      status: "live",
    });
    expect(res.statusCode).toBe(200);
    const updated = res.json() as Agent;
    expect(updated).toEqual({
      ...agent,
      name: "Head barista",
      temperature: 0.9,
      status: "live",
      updatedAt: updated.updatedAt,
    });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(agent.updatedAt).getTime());

    const cleared = await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
      welcomeMessage: null,
      suggestedQuestions: [],
    });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({
      name: "Head barista",
      instructions: "Talk about coffee.",
      welcomeMessage: null,
      suggestedQuestions: [],
    });
    expect((await call(t.app, owner.bearer, "GET", agentsUrl(ws.id, agent.id))).json()).toEqual(
      cleared.json(),
    );

    // Nothing to change, bad values and unknown fields are refused.
    for (const body of [{}, { name: "" }, { temperature: 2.5 }, { colour: "blue" }, { publicKey: "pk_x" }]) {
      expectError(await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), body), 400);
    }
  });

  it("rotates the public key on request", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const agent = await createAgent(t, owner.bearer, ws.id);
    const res = await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
      rotatePublicKey: true,
    });
    expect(res.statusCode).toBe(200);
    const rotated = res.json() as Agent;
    expect(rotated.publicKey).toMatch(/^pk_/);
    expect(rotated.publicKey).not.toBe(agent.publicKey);
    expect(rotated.name).toBe(agent.name);
    const again = await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
      rotatePublicKey: true,
    });
    expect(again.json().publicKey).not.toBe(rotated.publicKey);
    // Only `true` means anything.
    expectError(
      await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), { rotatePublicKey: false }),
      400,
      "VALIDATION_FAILED",
    );
    // Public keys are unique across agents.
    const other = await createAgent(t, owner.bearer, ws.id, { name: "Other" });
    expect(other.publicKey).not.toBe(again.json().publicKey);
  });

  it("deletes an agent: 204, then 404", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const agent = await createAgent(t, owner.bearer, ws.id);
    const keep = await createAgent(t, owner.bearer, ws.id, { name: "Keep" });
    const del = await call(t.app, owner.bearer, "DELETE", agentsUrl(ws.id, agent.id));
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe("");
    expectError(await call(t.app, owner.bearer, "GET", agentsUrl(ws.id, agent.id)), 404, "NOT_FOUND");
    expectError(await call(t.app, owner.bearer, "DELETE", agentsUrl(ws.id, agent.id)), 404, "NOT_FOUND");
    expectError(
      await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), { name: "Zombie" }),
      404,
      "NOT_FOUND",
    );
    const list = await call(t.app, owner.bearer, "GET", agentsUrl(ws.id));
    expect(list.json().agents.map((a: Agent) => a.id)).toEqual([keep.id]);
  });

  it("answers 404 for agent ids that do not exist and 401 without credentials", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const missing = "agt_00000000000000000000";
    expectError(await call(t.app, owner.bearer, "GET", agentsUrl(ws.id, missing)), 404, "NOT_FOUND");
    expectError(await call(t.app, anonymous, "GET", agentsUrl(ws.id)), 401, "UNAUTHENTICATED");
    expectError(
      await call(t.app, anonymous, "POST", agentsUrl(ws.id), { name: "Anon" }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("writes audit entries for create, update, key rotation and delete", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const agent = await createAgent(t, owner.bearer, ws.id, { name: "Audited" });
    await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
      name: "Audited 2",
      temperature: 1,
    });
    await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), { rotatePublicKey: true });
    await call(t.app, owner.bearer, "DELETE", agentsUrl(ws.id, agent.id));
    // A refused change leaves no trace.
    await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), { name: "" });

    const entries = (await auditEntries(t, owner, ws.id)).filter((e) => e.action.startsWith("agent."));
    const mine = entries.filter((e) => e.targetId === agent.id);
    expect(mine.map((e) => e.action).sort()).toEqual(
      ["agent.created", "agent.deleted", "agent.public_key_rotated", "agent.updated"].sort(),
    );
    expect(entries).toHaveLength(4);
    for (const e of mine) {
      expect(e.actorUserId).toBe(owner.user.id);
      expect(e.targetType).toBe("agent");
    }
    expect(mine.find((e) => e.action === "agent.created")!.metadata).toMatchObject({
      name: "Audited",
      provider: "builtin",
      model: "builtin",
    });
    expect(mine.find((e) => e.action === "agent.updated")!.metadata).toMatchObject({
      fields: expect.arrayContaining(["name", "temperature"]),
    });
    expect(mine.find((e) => e.action === "agent.deleted")!.metadata).toMatchObject({ name: "Audited 2" });
  });

  describe("roles", () => {
    type Role = "owner" | "admin" | "operator" | "viewer";
    let ws: { id: string };
    let as: Record<Role, Caller>;
    let agent: Agent;

    beforeAll(async () => {
      const [owner, admin, operator, viewer] = await Promise.all(
        ["Olga Owner", "Adam Admin", "Oscar Operator", "Vic Viewer"].map((name) => signUp(t.app, { name })),
      );
      ws = await createWorkspace(t.app, owner!.bearer, "Team");
      await addMember(t.app, owner!.bearer, ws.id, admin!, "admin");
      await addMember(t.app, owner!.bearer, ws.id, operator!, "operator");
      await addMember(t.app, owner!.bearer, ws.id, viewer!, "viewer");
      as = { owner: owner!.bearer, admin: admin!.bearer, operator: operator!.bearer, viewer: viewer!.bearer };
      agent = await createAgent(t, as.owner, ws.id, {
        quickAnswers: [{ question: "When are you open?", answer: "Every day from 7am to 11pm." }],
      });
    });

    it("owner and admin create, change and delete agents", async () => {
      for (const role of ["owner", "admin"] as const) {
        const created = await call(t.app, as[role], "POST", agentsUrl(ws.id), { name: `By ${role}` });
        expect(created.statusCode, role).toBe(201);
        const id = created.json().id;
        const patched = await call(t.app, as[role], "PATCH", agentsUrl(ws.id, id), { status: "live" });
        expect(patched.statusCode, role).toBe(200);
        expect(patched.json().status).toBe("live");
        expect((await call(t.app, as[role], "DELETE", agentsUrl(ws.id, id))).statusCode, role).toBe(204);
      }
    });

    it("operator and viewer read agents but cannot change them", async () => {
      for (const role of ["operator", "viewer"] as const) {
        const list = await call(t.app, as[role], "GET", agentsUrl(ws.id));
        expect(list.statusCode, role).toBe(200);
        expect(list.json().agents.map((a: Agent) => a.id)).toContain(agent.id);
        const one = await call(t.app, as[role], "GET", agentsUrl(ws.id, agent.id));
        expect(one.statusCode, role).toBe(200);
        expect(one.json().id).toBe(agent.id);

        expectError(
          await call(t.app, as[role], "POST", agentsUrl(ws.id), { name: "Nope" }),
          403,
          "FORBIDDEN",
        );
        expectError(
          await call(t.app, as[role], "PATCH", agentsUrl(ws.id, agent.id), { name: "Nope" }),
          403,
          "FORBIDDEN",
        );
        expectError(
          await call(t.app, as[role], "PATCH", agentsUrl(ws.id, agent.id), { rotatePublicKey: true }),
          403,
          "FORBIDDEN",
        );
        expectError(await call(t.app, as[role], "DELETE", agentsUrl(ws.id, agent.id)), 403, "FORBIDDEN");
      }
      const after = await call(t.app, as.owner, "GET", agentsUrl(ws.id, agent.id));
      expect(after.json()).toEqual(agent);
      expect((await call(t.app, as.owner, "GET", agentsUrl(ws.id))).json().agents).toHaveLength(1);
    });

    it("operator may use the test chat, viewer may not", async () => {
      const chatUrl = `${agentsUrl(ws.id, agent.id)}/chat`;
      for (const role of ["owner", "admin", "operator"] as const) {
        const res = await call(t.app, as[role], "POST", chatUrl, { message: "When are you open?" });
        expect(res.statusCode, `${role}: ${res.body}`).toBe(200);
        const body = res.json();
        expect(body.conversationId).toMatch(/^cnv_/);
        expect(body.message.status).toBe("complete");
        expect(body.message.content).toContain("7am to 11pm");
        expect(body.usage).toMatchObject({
          provider: "builtin",
          model: "builtin",
          modelLabel: BUILTIN_LABEL,
        });
      }
      expectError(await call(t.app, as.viewer, "POST", chatUrl, { message: "Hi" }), 403, "FORBIDDEN");
    });
  });

  describe("API keys", () => {
    let owner: SignedUp;
    let ws: { id: string };
    let agent: Agent;
    beforeAll(async () => {
      ({ owner, ws } = await ownerWithWorkspace(t, "Keys"));
      agent = await createAgent(t, owner.bearer, ws.id);
    });

    it("agents:read reads, agents:write writes; a key without the scope gets 403", async () => {
      const reader = asBearer(
        (await createApiKey(t.app, owner.bearer, ws.id, { name: "r", scopes: ["agents:read"] })).key,
      );
      const writer = asBearer(
        (await createApiKey(t.app, owner.bearer, ws.id, { name: "w", scopes: ["agents:write"] })).key,
      );
      const neither = asBearer(
        (
          await createApiKey(t.app, owner.bearer, ws.id, {
            name: "n",
            scopes: ["workspace:read", "conversations:write"],
          })
        ).key,
      );

      expect((await call(t.app, reader, "GET", agentsUrl(ws.id))).statusCode).toBe(200);
      expect((await call(t.app, reader, "GET", agentsUrl(ws.id, agent.id))).json().id).toBe(agent.id);
      expectError(await call(t.app, reader, "POST", agentsUrl(ws.id), { name: "R" }), 403, "FORBIDDEN");
      expectError(
        await call(t.app, reader, "PATCH", agentsUrl(ws.id, agent.id), { name: "R" }),
        403,
        "FORBIDDEN",
      );
      expectError(await call(t.app, reader, "DELETE", agentsUrl(ws.id, agent.id)), 403, "FORBIDDEN");

      const created = await call(t.app, writer, "POST", agentsUrl(ws.id), { name: "By key" });
      expect(created.statusCode).toBe(201);
      const patched = await call(t.app, writer, "PATCH", agentsUrl(ws.id, created.json().id), {
        name: "By key 2",
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json().name).toBe("By key 2");
      expectError(await call(t.app, writer, "GET", agentsUrl(ws.id)), 403, "FORBIDDEN");
      expect((await call(t.app, writer, "DELETE", agentsUrl(ws.id, created.json().id))).statusCode).toBe(204);

      for (const [method, url, body] of [
        ["GET", agentsUrl(ws.id), undefined],
        ["GET", agentsUrl(ws.id, agent.id), undefined],
        ["POST", agentsUrl(ws.id), { name: "N" }],
        ["PATCH", agentsUrl(ws.id, agent.id), { name: "N" }],
        ["DELETE", agentsUrl(ws.id, agent.id), undefined],
      ] as const) {
        expectError(await call(t.app, neither, method, url, body), 403, "FORBIDDEN");
      }

      // Changes made with a key are audited without a user.
      const entries = await auditEntries(t, owner, ws.id);
      const byKey = entries.filter((e) => e.targetId === created.json().id);
      expect(byKey.map((e) => e.action).sort()).toEqual(["agent.created", "agent.deleted", "agent.updated"]);
      expect(byKey.every((e) => e.actorUserId === null)).toBe(true);
    });

    it("API keys cannot use the test chat", async () => {
      const full = asBearer((await createApiKey(t.app, owner.bearer, ws.id, { name: "all" })).key);
      expectError(
        await call(t.app, full, "POST", `${agentsUrl(ws.id, agent.id)}/chat`, { message: "Hi" }),
        403,
        "FORBIDDEN",
      );
    });
  });

  it("keeps agents inside their workspace (members and API keys of another get 404)", async () => {
    const a = await ownerWithWorkspace(t, "Mine");
    const b = await ownerWithWorkspace(t, "Theirs");
    const agent = await createAgent(t, a.owner.bearer, a.ws.id, { instructions: "secret recipe" });
    const bKey = asBearer((await createApiKey(t.app, b.owner.bearer, b.ws.id, { name: "b" })).key);
    await createAgent(t, b.owner.bearer, b.ws.id, { name: "B's own" });

    for (const who of [b.owner.bearer, bKey]) {
      // Through A's workspace URL.
      expectError(await call(t.app, who, "GET", agentsUrl(a.ws.id)), 404, "NOT_FOUND");
      expectError(await call(t.app, who, "GET", agentsUrl(a.ws.id, agent.id)), 404, "NOT_FOUND");
      expectError(await call(t.app, who, "POST", agentsUrl(a.ws.id), { name: "Intruder" }), 404, "NOT_FOUND");
      expectError(
        await call(t.app, who, "PATCH", agentsUrl(a.ws.id, agent.id), { name: "Pwned" }),
        404,
        "NOT_FOUND",
      );
      expectError(await call(t.app, who, "DELETE", agentsUrl(a.ws.id, agent.id)), 404, "NOT_FOUND");
      // Through B's own workspace URL with A's agent id.
      const viaOwn = await call(t.app, who, "GET", agentsUrl(b.ws.id, agent.id));
      expectError(viaOwn, 404, "NOT_FOUND");
      expect(viaOwn.body).not.toContain("secret recipe");
      expectError(
        await call(t.app, who, "PATCH", agentsUrl(b.ws.id, agent.id), { name: "Pwned" }),
        404,
        "NOT_FOUND",
      );
      expectError(
        await call(t.app, who, "PATCH", agentsUrl(b.ws.id, agent.id), { rotatePublicKey: true }),
        404,
        "NOT_FOUND",
      );
      expectError(await call(t.app, who, "DELETE", agentsUrl(b.ws.id, agent.id)), 404, "NOT_FOUND");
      const list = await call(t.app, who, "GET", agentsUrl(b.ws.id));
      expect(list.statusCode).toBe(200);
      expect(list.json().agents.map((x: Agent) => x.name)).toEqual(["B's own"]);
    }
    expectError(
      await call(t.app, b.owner.bearer, "POST", `${agentsUrl(b.ws.id, agent.id)}/chat`, { message: "Hi" }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await call(t.app, b.owner.bearer, "POST", `${agentsUrl(a.ws.id, agent.id)}/chat`, { message: "Hi" }),
      404,
      "NOT_FOUND",
    );

    const untouched = await call(t.app, a.owner.bearer, "GET", agentsUrl(a.ws.id, agent.id));
    expect(untouched.json()).toEqual(agent);
    const bAudit = await auditEntries(t, b.owner, b.ws.id);
    expect(bAudit.some((e) => e.targetId === agent.id)).toBe(false);
  });
});

describe("agents with a platform OpenAI key", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ...RATE, OPENAI_API_KEY: "sk-platform-test-key-1234567890" } });
  });
  afterAll(async () => t?.close());

  it("makes OpenAI the default for new agents", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const agent = await createAgent(t, owner.bearer, ws.id);
    expect(agent).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      modelLabel: "OpenAI · gpt-4o-mini",
    });
    // A model named without a provider is taken for the default provider.
    const named = await createAgent(t, owner.bearer, ws.id, { model: "gpt-4o" });
    expect(named).toMatchObject({ provider: "openai", model: "gpt-4o" });
    // Builtin can still be chosen explicitly.
    const offline = await createAgent(t, owner.bearer, ws.id, { provider: "builtin" });
    expect(offline).toMatchObject({ provider: "builtin", model: "builtin", modelLabel: BUILTIN_LABEL });
  });

  it("requires a model when a provider is named or switched", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    expectError(
      await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), { name: "No model", provider: "openai" }),
      400,
      "VALIDATION_FAILED",
    );

    const agent = await createAgent(t, owner.bearer, ws.id, { provider: "builtin" });
    // Switching provider without a model leaves nothing meaningful to keep.
    expectError(
      await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), { provider: "openai" }),
      400,
      "VALIDATION_FAILED",
    );
    expect((await call(t.app, owner.bearer, "GET", agentsUrl(ws.id, agent.id))).json()).toMatchObject({
      provider: "builtin",
      model: "builtin",
    });

    const switched = await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
      provider: "openai",
      model: "gpt-4o",
    });
    expect(switched.statusCode).toBe(200);
    expect(switched.json()).toMatchObject({
      provider: "openai",
      model: "gpt-4o",
      modelLabel: "OpenAI · gpt-4o",
    });

    // Changing only the model keeps the provider; naming the same provider keeps the model.
    const model = await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
      model: "gpt-4.1-mini",
    });
    expect(model.json()).toMatchObject({ provider: "openai", model: "gpt-4.1-mini" });
    const same = await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), { provider: "openai" });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ provider: "openai", model: "gpt-4.1-mini" });

    // Back to builtin needs no model.
    const back = await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
      provider: "builtin",
    });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ provider: "builtin", model: "builtin", modelLabel: BUILTIN_LABEL });
  });

  it("checks the fallback: configured providers pass, others are 422", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const agent = await createAgent(t, owner.bearer, ws.id, {
      fallback: { provider: "openai", model: "gpt-4o-mini" },
    });
    expect(agent.fallback).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    expectError(
      await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), {
        fallback: { provider: "anthropic", model: "claude-haiku-4-5" },
      }),
      422,
      "PROVIDER_NOT_CONFIGURED",
    );
    expectError(
      await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), {
        name: "Bad fallback",
        fallback: { provider: "deepseek", model: "deepseek-chat" },
      }),
      422,
      "PROVIDER_NOT_CONFIGURED",
    );
    const cleared = await call(t.app, owner.bearer, "PATCH", agentsUrl(ws.id, agent.id), { fallback: null });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().fallback).toBeNull();
  });
});

describe("agent limit", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ...RATE, MAX_AGENTS_PER_WORKSPACE: "2" } });
  });
  afterAll(async () => t?.close());

  it("refuses a third agent with 403 LIMIT_REACHED, per workspace", async () => {
    const { owner, ws } = await ownerWithWorkspace(t);
    const first = await createAgent(t, owner.bearer, ws.id, { name: "One" });
    await createAgent(t, owner.bearer, ws.id, { name: "Two" });
    const third = await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), { name: "Three" });
    const err = expectError(third, 403, "LIMIT_REACHED");
    expect(err.details).toMatchObject({ limit: "agents", max: 2 });
    expect((await call(t.app, owner.bearer, "GET", agentsUrl(ws.id))).json().agents).toHaveLength(2);

    // Another workspace has its own allowance.
    const other = await ownerWithWorkspace(t, "Other");
    await createAgent(t, other.owner.bearer, other.ws.id, { name: "One" });
    await createAgent(t, other.owner.bearer, other.ws.id, { name: "Two" });

    // Deleting one makes room again.
    expect((await call(t.app, owner.bearer, "DELETE", agentsUrl(ws.id, first.id))).statusCode).toBe(204);
    await createAgent(t, owner.bearer, ws.id, { name: "Three" });
    expectError(
      await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), { name: "Four" }),
      403,
      "LIMIT_REACHED",
    );
  });
});
