import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
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
import { apiKeys } from "../../db/schema/index.ts";

// Workspace API keys as their creator and the programs that use them see them.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" } });
});
afterAll(async () => t?.close());

const keysUrl = (wsId: string, keyId = "") =>
  `/api/v1/workspaces/${wsId}/api-keys${keyId ? `/${keyId}` : ""}`;

async function ownerWithWorkspace(name = "Acme"): Promise<{ owner: SignedUp; ws: { id: string } }> {
  const owner = await signUp(t.app);
  return { owner, ws: await createWorkspace(t.app, owner.bearer, name) };
}

async function auditActions(owner: SignedUp, wsId: string) {
  const res = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${wsId}/audit-log`);
  return res.json().entries as { action: string; targetId: string; actorUserId: string; metadata: unknown }[];
}

describe("api keys", () => {
  it("returns the key once, and lists never reveal it", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const res = await call(t.app, owner.bearer, "POST", keysUrl(ws.id), { name: "CI deploy" });
    expect(res.statusCode).toBe(201);
    expect(res.headers["cache-control"]).toBe("no-store");
    const created = res.json();
    expect(created.key).toMatch(/^mck_[0-9a-z]{40}$/);
    expect(created).toMatchObject({
      name: "CI deploy",
      prefix: created.key.slice(0, 12),
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(created.id).toMatch(/^key_[0-9a-z]{20}$/);
    expect(created.scopes).toContain("workspace:read");

    const hash = createHash("sha256").update(created.key).digest("hex");
    const list = await call(t.app, owner.bearer, "GET", keysUrl(ws.id));
    expect(list.statusCode).toBe(200);
    expect(list.json().apiKeys).toHaveLength(1);
    expect(list.json().apiKeys[0]).not.toHaveProperty("key");
    expect(list.json().apiKeys[0]).not.toHaveProperty("hash");
    expect(list.body).not.toContain(created.key);
    expect(list.body).not.toContain(hash);

    // Only a SHA-256 of the key is stored.
    const [row] = await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.hash).toBe(hash);
    expect(JSON.stringify(row)).not.toContain(created.key);
  });

  it("authenticates requests to its own workspace only and records its use", async () => {
    const { owner, ws } = await ownerWithWorkspace("Mine");
    const other = await ownerWithWorkspace("Theirs");
    const created = await createApiKey(t.app, owner.bearer, ws.id);
    const key = asBearer(created.key);

    const before = Date.now();
    const own = await call(t.app, key, "GET", `/api/v1/workspaces/${ws.id}`);
    const after = Date.now();
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ id: ws.id, name: "Mine" });
    expect(own.json()).not.toHaveProperty("role");
    expectError(await call(t.app, key, "GET", `/api/v1/workspaces/${other.ws.id}`), 404, "NOT_FOUND");

    const listed = (await call(t.app, owner.bearer, "GET", keysUrl(ws.id))).json().apiKeys[0];
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(listed.lastUsedAt)).toBeLessThanOrEqual(after);
  });

  it("stops working once revoked (401 INVALID_API_KEY); revoking is audited and idempotent", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const created = await createApiKey(t.app, owner.bearer, ws.id, { name: "temp" });
    const key = asBearer(created.key);
    expect((await call(t.app, key, "GET", `/api/v1/workspaces/${ws.id}`)).statusCode).toBe(200);

    const revoked = await call(t.app, owner.bearer, "DELETE", keysUrl(ws.id, created.id));
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    expect(revoked.json()).not.toHaveProperty("key");
    expectError(await call(t.app, key, "GET", `/api/v1/workspaces/${ws.id}`), 401, "INVALID_API_KEY");
    expectError(await call(t.app, key, "GET", "/api/v1/workspaces"), 401, "INVALID_API_KEY");

    const again = await call(t.app, owner.bearer, "DELETE", keysUrl(ws.id, created.id));
    expect(again.statusCode).toBe(200);
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);

    const entries = await auditActions(owner, ws.id);
    const mine = entries.filter((e) => e.targetId === created.id).map((e) => e.action);
    expect(mine.sort()).toEqual(["api_key.created", "api_key.revoked", "api_key.revoked"]);
    const createdEntry = entries.find((e) => e.action === "api_key.created")!;
    expect(createdEntry.actorUserId).toBe(owner.user.id);
    expect(createdEntry.metadata).toMatchObject({ name: "temp", prefix: created.prefix });
    expect(JSON.stringify(entries)).not.toContain(created.key);
  });

  it("expires after expiresInDays", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const before = Date.now();
    const res = await call(t.app, owner.bearer, "POST", keysUrl(ws.id), { name: "short", expiresInDays: 1 });
    const created = res.json();
    expect(Date.parse(created.expiresAt)).toBeGreaterThanOrEqual(before + 86_400_000);
    expect(Date.parse(created.expiresAt)).toBeLessThanOrEqual(Date.now() + 86_400_000);
    const key = asBearer(created.key);
    expect((await call(t.app, key, "GET", `/api/v1/workspaces/${ws.id}`)).statusCode).toBe(200);

    const later = await createTestApp({
      database: t.database,
      clock: { now: () => new Date(Date.now() + 2 * 86_400_000) },
    });
    try {
      expectError(await call(later.app, key, "GET", `/api/v1/workspaces/${ws.id}`), 401, "INVALID_API_KEY");
      // A key without expiry keeps working at the same moment.
      const forever = await createApiKey(t.app, owner.bearer, ws.id, { name: "forever" });
      const ok = await call(later.app, asBearer(forever.key), "GET", `/api/v1/workspaces/${ws.id}`);
      expect(ok.statusCode).toBe(200);
    } finally {
      await later.close();
    }
  });

  it("is limited to its scopes", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const created = await createApiKey(t.app, owner.bearer, ws.id, {
      name: "agents only",
      scopes: ["agents:read", "agents:read"],
    });
    const listed = (await call(t.app, owner.bearer, "GET", keysUrl(ws.id))).json().apiKeys[0];
    expect(listed.scopes).toEqual(["agents:read"]);
    const res = await call(t.app, asBearer(created.key), "GET", `/api/v1/workspaces/${ws.id}`);
    expect(expectError(res, 403, "FORBIDDEN").message).toContain("workspace:read");
  });

  it("cannot manage API keys itself (403)", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const created = await createApiKey(t.app, owner.bearer, ws.id);
    const key = asBearer(created.key);
    expectError(await call(t.app, key, "POST", keysUrl(ws.id), { name: "child" }), 403, "FORBIDDEN");
    expectError(await call(t.app, key, "GET", keysUrl(ws.id)), 403, "FORBIDDEN");
    expectError(await call(t.app, key, "DELETE", keysUrl(ws.id, created.id)), 403, "FORBIDDEN");
    expectError(
      await call(t.app, key, "PATCH", `/api/v1/workspaces/${ws.id}`, { name: "x" }),
      403,
      "FORBIDDEN",
    );
    expectError(await call(t.app, key, "POST", "/api/v1/workspaces", { name: "x" }), 403, "FORBIDDEN");
    const list = (await call(t.app, owner.bearer, "GET", keysUrl(ws.id))).json().apiKeys;
    expect(list.map((k: { id: string; revokedAt: null }) => [k.id, k.revokedAt])).toEqual([
      [created.id, null],
    ]);
  });

  it("rejects unknown keys with 401", async () => {
    const { ws } = await ownerWithWorkspace();
    for (const bad of ["mck_nope", `mck_${"a".repeat(40)}`, "mck_"]) {
      expectError(
        await call(t.app, asBearer(bad), "GET", `/api/v1/workspaces/${ws.id}`),
        401,
        "INVALID_API_KEY",
      );
    }
  });

  it("validates the request (400) and creates nothing", async () => {
    const { owner, ws } = await ownerWithWorkspace();
    const bad = [
      { name: "" },
      { name: "   " },
      { name: "x".repeat(81) },
      { name: "k", scopes: ["admin:everything"] },
      { name: "k", scopes: [] },
      { name: "k", expiresInDays: 0 },
      { name: "k", expiresInDays: 1.5 },
      { name: "k", expiresInDays: 3651 },
      { name: "k", workspaceId: ws.id },
      {},
    ];
    for (const body of bad) {
      const res = await call(t.app, owner.bearer, "POST", keysUrl(ws.id), body);
      expectError(res, 400, "VALIDATION_FAILED");
    }
    expect((await call(t.app, owner.bearer, "GET", keysUrl(ws.id))).json().apiKeys).toEqual([]);
    expect((await auditActions(owner, ws.id)).map((e) => e.action)).not.toContain("api_key.created");
  });
});

describe("api keys: tenant isolation", () => {
  it("another workspace cannot list or revoke a key (404), and the key keeps working", async () => {
    const a = await ownerWithWorkspace("A");
    const b = await ownerWithWorkspace("B");
    const keyA = await createApiKey(t.app, a.owner.bearer, a.ws.id);

    // B's owner through B's own workspace, with A's key id.
    expectError(await call(t.app, b.owner.bearer, "DELETE", keysUrl(b.ws.id, keyA.id)), 404, "NOT_FOUND");
    // B's owner through A's workspace.
    expectError(await call(t.app, b.owner.bearer, "DELETE", keysUrl(a.ws.id, keyA.id)), 404, "NOT_FOUND");
    expectError(await call(t.app, b.owner.bearer, "GET", keysUrl(a.ws.id)), 404, "NOT_FOUND");
    expectError(await call(t.app, b.owner.bearer, "POST", keysUrl(a.ws.id), { name: "x" }), 404, "NOT_FOUND");
    expect((await call(t.app, b.owner.bearer, "GET", keysUrl(b.ws.id))).json().apiKeys).toEqual([]);

    expect((await call(t.app, asBearer(keyA.key), "GET", `/api/v1/workspaces/${a.ws.id}`)).statusCode).toBe(
      200,
    );
    expect((await auditActions(b.owner, b.ws.id)).map((e) => e.action)).not.toContain("api_key.revoked");
  });
});
