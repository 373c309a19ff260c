import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
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
import { agentActions } from "../../db/schema/index.ts";

// Custom HTTP actions as the agent builder sees them: headers that go in but never come out,
// targets inside the private network refused unless the operator allows them, unique tool names,
// and nothing visible to other workspaces.

const RATE = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" };
// A public address literal: no DNS lookup is needed to check it.
const PUBLIC_BASE = "https://93.184.216.34";
const SECRET_TOKEN = "Bearer crm-token-4f8a9c2e7b1d6a3f";
const SECRET_KEY = "xk-live-91b2c3d4e5f60718293a";

const agentsUrl = (wsId: string) => `/api/v1/workspaces/${wsId}/agents`;
const actionsUrl = (wsId: string, agentId: string, actionId = "") =>
  `/api/v1/workspaces/${wsId}/agents/${agentId}/actions${actionId ? `/${actionId}` : ""}`;

type Action = {
  id: string;
  agentId: string;
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  method: string;
  url: string;
  headerNames: string[];
  timeoutMs: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
};

const orderStatus = (extra: Record<string, unknown> = {}) => ({
  name: "order_status",
  description: "Look up the status of an order by its number",
  parameters: {
    type: "object",
    properties: { orderId: { type: "string", description: "Order number" } },
    required: ["orderId"],
  },
  method: "GET",
  url: `${PUBLIC_BASE}/orders/{orderId}`,
  ...extra,
});

async function setup(t: TestApp, name = "Acme") {
  const owner = await signUp(t.app);
  const ws = await createWorkspace(t.app, owner.bearer, name);
  const res = await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), { name: "Support" });
  if (res.statusCode !== 201) throw new Error(`create agent failed: ${res.statusCode} ${res.body}`);
  return { owner, ws, agentId: res.json().id as string };
}

async function createAction(t: TestApp, who: Caller, wsId: string, agentId: string, body: object) {
  const res = await call(t.app, who, "POST", actionsUrl(wsId, agentId), body);
  if (res.statusCode !== 201) throw new Error(`create action failed: ${res.statusCode} ${res.body}`);
  return res.json() as Action;
}

async function storedRow(t: TestApp, id: string) {
  const [row] = await t.app.ctx.db.select().from(agentActions).where(eq(agentActions.id, id));
  return row;
}

describe("custom HTTP actions", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: RATE });
  });
  afterAll(async () => t?.close());

  it("creates an action: header names are listed, values never returned", async () => {
    const { owner, ws, agentId } = await setup(t);
    const res = await call(
      t.app,
      owner.bearer,
      "POST",
      actionsUrl(ws.id, agentId),
      orderStatus({ headers: { Authorization: SECRET_TOKEN, "X-Api-Key": SECRET_KEY }, timeoutMs: 5000 }),
    );
    expect(res.statusCode).toBe(201);
    const action = res.json() as Action;
    expect(action.id).toMatch(/^act_/);
    expect(action).toMatchObject({
      agentId,
      name: "order_status",
      description: "Look up the status of an order by its number",
      method: "GET",
      url: `${PUBLIC_BASE}/orders/{orderId}`,
      timeoutMs: 5000,
      enabled: true,
      parameters: orderStatus().parameters,
    });
    expect([...action.headerNames].sort()).toEqual(["Authorization", "X-Api-Key"]);
    expect(action).not.toHaveProperty("headers");
    expect(res.body).not.toContain("crm-token-4f8a9c2e7b1d6a3f");
    expect(res.body).not.toContain(SECRET_KEY);

    const list = await call(t.app, owner.bearer, "GET", actionsUrl(ws.id, agentId));
    expect(list.statusCode).toBe(200);
    expect(list.json().actions).toEqual([action]);
    expect(list.body).not.toContain("crm-token-4f8a9c2e7b1d6a3f");
    expect(list.body).not.toContain(SECRET_KEY);

    // At rest the values are sealed, not stored in plain text.
    const row = await storedRow(t, action.id);
    expect(row!.headersSealed).toBeTruthy();
    expect(row!.headersSealed).toMatch(/^enc:v1:/);
    expect(row!.headersSealed).not.toContain("crm-token-4f8a9c2e7b1d6a3f");
    expect(row!.headersSealed).not.toContain(SECRET_KEY);
    expect(JSON.stringify(row)).not.toContain("crm-token-4f8a9c2e7b1d6a3f");

    // Nor do they reach the audit log.
    const log = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${ws.id}/audit-log`);
    const entries = log.json().entries as { action: string; targetId: string }[];
    expect(entries.some((e) => e.action === "action.created" && e.targetId === action.id)).toBe(true);
    expect(log.body).not.toContain("crm-token-4f8a9c2e7b1d6a3f");
    expect(log.body).not.toContain(SECRET_KEY);
  });

  it("applies defaults and stores no sealed value when there are no headers", async () => {
    const { owner, ws, agentId } = await setup(t);
    const action = await createAction(t, owner.bearer, ws.id, agentId, {
      name: "ping",
      description: "Tell the CRM someone is chatting",
      url: `${PUBLIC_BASE}/ping`,
    });
    expect(action).toMatchObject({
      method: "POST",
      parameters: { type: "object", properties: {} },
      headerNames: [],
      timeoutMs: 10_000,
      enabled: true,
    });
    expect((await storedRow(t, action.id))!.headersSealed).toBeNull();
  });

  it("refuses invalid actions with 400", async () => {
    const { owner, ws, agentId } = await setup(t);
    const bad: Record<string, unknown>[] = [
      orderStatus({ name: "Order Status" }),
      orderStatus({ name: "1order" }),
      orderStatus({ name: "" }),
      orderStatus({ description: "" }),
      orderStatus({ method: "TRACE" }),
      orderStatus({ url: "ftp://93.184.216.34/file" }),
      orderStatus({ url: "not a url" }),
      orderStatus({ parameters: { type: "array" } }),
      orderStatus({ timeoutMs: 100 }),
      orderStatus({ timeoutMs: 60_000 }),
      orderStatus({ headers: { "Bad Header": "x" } }),
      orderStatus({ colour: "blue" }),
    ];
    for (const body of bad) {
      expectError(
        await call(t.app, owner.bearer, "POST", actionsUrl(ws.id, agentId), body),
        400,
        "VALIDATION_FAILED",
      );
    }
    expect((await call(t.app, owner.bearer, "GET", actionsUrl(ws.id, agentId))).json().actions).toEqual([]);
  });

  it("reserves the built-in tool names", async () => {
    const { owner, ws, agentId } = await setup(t);
    for (const name of ["capture_lead", "handoff_to_human"]) {
      expectError(
        await call(t.app, owner.bearer, "POST", actionsUrl(ws.id, agentId), orderStatus({ name })),
        400,
        "VALIDATION_FAILED",
      );
    }
    const action = await createAction(t, owner.bearer, ws.id, agentId, orderStatus());
    expectError(
      await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, action.id), {
        name: "capture_lead",
      }),
      400,
      "VALIDATION_FAILED",
    );
    expect((await call(t.app, owner.bearer, "GET", actionsUrl(ws.id, agentId))).json().actions).toHaveLength(
      1,
    );
  });

  it("refuses a second action with the same name on one agent (409 CONFLICT)", async () => {
    const { owner, ws, agentId } = await setup(t);
    const first = await createAction(t, owner.bearer, ws.id, agentId, orderStatus());
    const dup = await call(t.app, owner.bearer, "POST", actionsUrl(ws.id, agentId), orderStatus());
    expectError(dup, 409, "CONFLICT");

    // Another agent may use the name.
    const other = await call(t.app, owner.bearer, "POST", agentsUrl(ws.id), { name: "Sales" });
    await createAction(t, owner.bearer, ws.id, other.json().id, orderStatus());

    // Renaming onto an existing name is refused too.
    const second = await createAction(t, owner.bearer, ws.id, agentId, orderStatus({ name: "refund" }));
    expectError(
      await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, second.id), {
        name: "order_status",
      }),
      409,
      "CONFLICT",
    );
    const list = (await call(t.app, owner.bearer, "GET", actionsUrl(ws.id, agentId))).json()
      .actions as Action[];
    expect(list.map((a) => [a.id, a.name])).toEqual([
      [first.id, "order_status"],
      [second.id, "refund"],
    ]);
  });

  it("changes only the fields a PATCH names (the others, stored headers included, are kept)", async () => {
    const { owner, ws, agentId } = await setup(t);
    const action = await createAction(
      t,
      owner.bearer,
      ws.id,
      agentId,
      orderStatus({ headers: { Authorization: SECRET_TOKEN }, timeoutMs: 5000, enabled: false }),
    );
    const sealedBefore = (await storedRow(t, action.id))!.headersSealed;

    const res = await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, action.id), {
      description: "Order status (v2)",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ...action,
      description: "Order status (v2)",
      updatedAt: res.json().updatedAt,
    });
    // Headers not sent are kept as they were.
    expect((await storedRow(t, action.id))!.headersSealed).toBe(sealedBefore);
    expect((await call(t.app, owner.bearer, "GET", actionsUrl(ws.id, agentId))).json().actions).toEqual([
      res.json(),
    ]);

    // A PATCH that names nothing changes nothing.
    expectError(
      await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, action.id), {}),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("PATCH with headers replaces the stored headers; bad values are refused", async () => {
    const { owner, ws, agentId } = await setup(t);
    const action = await createAction(
      t,
      owner.bearer,
      ws.id,
      agentId,
      orderStatus({ headers: { Authorization: SECRET_TOKEN } }),
    );
    const sealedBefore = (await storedRow(t, action.id))!.headersSealed;

    const newValue = "tok-rotated-5e6f7a8b9c0d";
    const rotated = await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, action.id), {
      headers: { "X-Token": newValue },
    });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json()).toMatchObject({ id: action.id, name: "order_status", headerNames: ["X-Token"] });
    expect(rotated.body).not.toContain(newValue);
    const row = await storedRow(t, action.id);
    expect(row!.headersSealed).toMatch(/^enc:v1:/);
    expect(row!.headersSealed).not.toBe(sealedBefore);
    expect(row!.headersSealed).not.toContain(newValue);
    expect(row!.headerNames).toEqual(["X-Token"]);

    const renamed = await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, action.id), {
      name: "track_order",
      url: `${PUBLIC_BASE}/v2/orders/{orderId}`,
      method: "POST",
      headers: { "X-Token": newValue },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({
      name: "track_order",
      url: `${PUBLIC_BASE}/v2/orders/{orderId}`,
      method: "POST",
    });
    const list = await call(t.app, owner.bearer, "GET", actionsUrl(ws.id, agentId));
    expect(list.json().actions).toEqual([renamed.json()]);

    for (const body of [
      { timeoutMs: 1 },
      { url: "ftp://93.184.216.34/" },
      { colour: "red" },
      { name: "Bad Name" },
    ]) {
      expectError(
        await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, action.id), body),
        400,
        "VALIDATION_FAILED",
      );
    }
    expectError(
      await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, "act_00000000000000000000"), {
        enabled: true,
      }),
      404,
      "NOT_FOUND",
    );
  });

  it("deletes an action: 204, then 404", async () => {
    const { owner, ws, agentId } = await setup(t);
    const action = await createAction(t, owner.bearer, ws.id, agentId, orderStatus());
    const keep = await createAction(t, owner.bearer, ws.id, agentId, orderStatus({ name: "keep_me" }));
    const del = await call(t.app, owner.bearer, "DELETE", actionsUrl(ws.id, agentId, action.id));
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe("");
    expectError(
      await call(t.app, owner.bearer, "DELETE", actionsUrl(ws.id, agentId, action.id)),
      404,
      "NOT_FOUND",
    );
    expectError(
      await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, action.id), { enabled: false }),
      404,
      "NOT_FOUND",
    );
    expect(await storedRow(t, action.id)).toBeUndefined();
    const list = await call(t.app, owner.bearer, "GET", actionsUrl(ws.id, agentId));
    expect(list.json().actions.map((a: Action) => a.id)).toEqual([keep.id]);

    // The name is free again.
    await createAction(t, owner.bearer, ws.id, agentId, orderStatus());

    const log = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${ws.id}/audit-log`);
    const entries = log.json().entries as { action: string; targetId: string }[];
    expect(entries.some((e) => e.action === "action.deleted" && e.targetId === action.id)).toBe(true);
  });

  it("deleting the agent removes its actions", async () => {
    const { owner, ws, agentId } = await setup(t);
    const action = await createAction(t, owner.bearer, ws.id, agentId, orderStatus());
    expect((await call(t.app, owner.bearer, "DELETE", `${agentsUrl(ws.id)}/${agentId}`)).statusCode).toBe(
      204,
    );
    expect(await storedRow(t, action.id)).toBeUndefined();
    expectError(await call(t.app, owner.bearer, "GET", actionsUrl(ws.id, agentId)), 404, "NOT_FOUND");
    expectError(
      await call(t.app, owner.bearer, "POST", actionsUrl(ws.id, agentId), orderStatus()),
      404,
      "NOT_FOUND",
    );
  });

  it("refuses private and internal URLs with 400 URL_NOT_ALLOWED by default", async () => {
    const { owner, ws, agentId } = await setup(t);
    const privateUrls = [
      "http://127.0.0.1:8080/orders/{orderId}",
      "http://169.254.169.254/latest/meta-data/",
      "http://localhost/orders",
      "http://10.0.0.5/internal",
      "http://192.168.1.1/",
      "http://[::1]/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://user:pass@93.184.216.34/",
    ];
    for (const url of privateUrls) {
      const res = await call(t.app, owner.bearer, "POST", actionsUrl(ws.id, agentId), orderStatus({ url }));
      expect(res.statusCode, url).toBe(400);
      expectError(res, 400, "URL_NOT_ALLOWED");
    }
    expect((await call(t.app, owner.bearer, "GET", actionsUrl(ws.id, agentId))).json().actions).toEqual([]);

    // Changing the URL of an existing action is checked the same way.
    const action = await createAction(t, owner.bearer, ws.id, agentId, orderStatus());
    expectError(
      await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, action.id), {
        url: "http://169.254.169.254/latest/meta-data/",
      }),
      400,
      "URL_NOT_ALLOWED",
    );
    expect((await storedRow(t, action.id))!.url).toBe(action.url);
  });

  describe("roles and API keys", () => {
    let owner: SignedUp;
    let ws: { id: string };
    let agentId: string;
    let action: Action;
    const as: Partial<Record<"admin" | "operator" | "viewer", Caller>> = {};
    beforeAll(async () => {
      ({ owner, ws, agentId } = await setup(t, "Team"));
      action = await createAction(t, owner.bearer, ws.id, agentId, orderStatus());
      for (const role of ["admin", "operator", "viewer"] as const) {
        const u = await signUp(t.app);
        await addMember(t.app, owner.bearer, ws.id, u, role);
        as[role] = u.bearer;
      }
    });

    it("admin manages actions; operator and viewer only read them", async () => {
      const created = await createAction(t, as.admin!, ws.id, agentId, orderStatus({ name: "by_admin" }));
      expect(
        (await call(t.app, as.admin!, "PATCH", actionsUrl(ws.id, agentId, created.id), { enabled: false }))
          .statusCode,
      ).toBe(200);
      expect(
        (await call(t.app, as.admin!, "DELETE", actionsUrl(ws.id, agentId, created.id))).statusCode,
      ).toBe(204);

      for (const role of ["operator", "viewer"] as const) {
        const who = as[role]!;
        const list = await call(t.app, who, "GET", actionsUrl(ws.id, agentId));
        expect(list.statusCode, role).toBe(200);
        expect(list.json().actions).toEqual([action]);
        expectError(
          await call(t.app, who, "POST", actionsUrl(ws.id, agentId), orderStatus({ name: "nope" })),
          403,
          "FORBIDDEN",
        );
        expectError(
          await call(t.app, who, "PATCH", actionsUrl(ws.id, agentId, action.id), { enabled: false }),
          403,
          "FORBIDDEN",
        );
        expectError(
          await call(t.app, who, "DELETE", actionsUrl(ws.id, agentId, action.id)),
          403,
          "FORBIDDEN",
        );
      }
    });

    it("API keys need agents:read to list and agents:write to change", async () => {
      const reader = asBearer(
        (await createApiKey(t.app, owner.bearer, ws.id, { name: "r", scopes: ["agents:read"] })).key,
      );
      const writer = asBearer(
        (await createApiKey(t.app, owner.bearer, ws.id, { name: "w", scopes: ["agents:write"] })).key,
      );
      expect((await call(t.app, reader, "GET", actionsUrl(ws.id, agentId))).json().actions).toEqual([action]);
      expectError(
        await call(t.app, reader, "POST", actionsUrl(ws.id, agentId), orderStatus({ name: "r" })),
        403,
        "FORBIDDEN",
      );
      expectError(
        await call(t.app, reader, "DELETE", actionsUrl(ws.id, agentId, action.id)),
        403,
        "FORBIDDEN",
      );
      expectError(await call(t.app, writer, "GET", actionsUrl(ws.id, agentId)), 403, "FORBIDDEN");
      const created = await createAction(t, writer, ws.id, agentId, orderStatus({ name: "by_key" }));
      expect((await call(t.app, writer, "DELETE", actionsUrl(ws.id, agentId, created.id))).statusCode).toBe(
        204,
      );
    });
  });

  it("keeps actions inside their workspace (members and API keys of another get 404)", async () => {
    const a = await setup(t, "Mine");
    const b = await setup(t, "Theirs");
    const action = await createAction(
      t,
      a.owner.bearer,
      a.ws.id,
      a.agentId,
      orderStatus({ headers: { Authorization: SECRET_TOKEN } }),
    );
    const bKey = asBearer((await createApiKey(t.app, b.owner.bearer, b.ws.id, { name: "b" })).key);

    for (const who of [b.owner.bearer, bKey]) {
      for (const wsId of [a.ws.id, b.ws.id]) {
        const list = await call(t.app, who, "GET", actionsUrl(wsId, a.agentId));
        expectError(list, 404, "NOT_FOUND");
        expect(list.body).not.toContain("order_status");
        expectError(
          await call(t.app, who, "POST", actionsUrl(wsId, a.agentId), orderStatus({ name: "intruder" })),
          404,
          "NOT_FOUND",
        );
        expectError(
          await call(t.app, who, "PATCH", actionsUrl(wsId, a.agentId, action.id), {
            url: `${PUBLIC_BASE}/evil`,
          }),
          404,
          "NOT_FOUND",
        );
        expectError(
          await call(t.app, who, "DELETE", actionsUrl(wsId, a.agentId, action.id)),
          404,
          "NOT_FOUND",
        );
      }
      // Their own agent's path with A's action id finds nothing either.
      expectError(
        await call(t.app, who, "PATCH", actionsUrl(b.ws.id, b.agentId, action.id), { enabled: false }),
        404,
        "NOT_FOUND",
      );
      expectError(
        await call(t.app, who, "DELETE", actionsUrl(b.ws.id, b.agentId, action.id)),
        404,
        "NOT_FOUND",
      );
      const own = await call(t.app, who, "GET", actionsUrl(b.ws.id, b.agentId));
      expect(own.statusCode).toBe(200);
      expect(own.json().actions).toEqual([]);
    }

    const list = await call(t.app, a.owner.bearer, "GET", actionsUrl(a.ws.id, a.agentId));
    expect(list.json().actions).toEqual([action]);
    expect(await storedRow(t, action.id)).toMatchObject({
      url: action.url,
      enabled: true,
      workspaceId: a.ws.id,
    });
  });
});

describe("custom HTTP actions with ALLOW_PRIVATE_URLS=127.0.0.1", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ...RATE, ALLOW_PRIVATE_URLS: "127.0.0.1" } });
  });
  afterAll(async () => t?.close());

  it("lets the listed address through and nothing else", async () => {
    const { owner, ws, agentId } = await setup(t);
    const action = await createAction(
      t,
      owner.bearer,
      ws.id,
      agentId,
      orderStatus({ url: "http://127.0.0.1:8080/orders/{orderId}" }),
    );
    expect(action.url).toBe("http://127.0.0.1:8080/orders/{orderId}");
    const patched = await call(t.app, owner.bearer, "PATCH", actionsUrl(ws.id, agentId, action.id), {
      url: "http://127.0.0.1:9090/v2/orders/{orderId}",
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().url).toBe("http://127.0.0.1:9090/v2/orders/{orderId}");

    for (const url of ["http://localhost/orders", "http://169.254.169.254/", "http://10.0.0.5/"]) {
      expectError(
        await call(
          t.app,
          owner.bearer,
          "POST",
          actionsUrl(ws.id, agentId),
          orderStatus({ name: "other", url }),
        ),
        400,
        "URL_NOT_ALLOWED",
      );
    }
  });
});

describe("custom HTTP actions with ALLOW_PRIVATE_URLS=localhost", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ...RATE, ALLOW_PRIVATE_URLS: "localhost" } });
  });
  afterAll(async () => t?.close());

  it("lets localhost through and still refuses other private targets", async () => {
    const { owner, ws, agentId } = await setup(t);
    const action = await createAction(
      t,
      owner.bearer,
      ws.id,
      agentId,
      orderStatus({ url: "http://localhost/" }),
    );
    expect(action.url).toBe("http://localhost/");
    for (const url of ["http://127.0.0.1:8080/", "http://169.254.169.254/latest/meta-data/"]) {
      expectError(
        await call(
          t.app,
          owner.bearer,
          "POST",
          actionsUrl(ws.id, agentId),
          orderStatus({ name: "other", url }),
        ),
        400,
        "URL_NOT_ALLOWED",
      );
    }
  });
});
