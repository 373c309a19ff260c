import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anonymous,
  call,
  createApiKey,
  createTestApp,
  createWorkspace,
  expectError,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("workspaces", () => {
  it("creates a workspace owned by the caller and lists it", async () => {
    const ann = await signUp(t.app, { name: "Ann" });
    const res = await call(t.app, ann.bearer, "POST", "/api/v1/workspaces", { name: "Acme Coffee" });
    expect(res.statusCode).toBe(201);
    const ws = res.json();
    expect(ws).toMatchObject({ name: "Acme Coffee", role: "owner" });
    expect(ws.id).toMatch(/^ws_[0-9a-z]{20}$/);
    expect(ws.slug).toMatch(/^acme-coffee-[0-9a-z]{4}$/);

    const list = await call(t.app, ann.browser, "GET", "/api/v1/workspaces");
    expect(list.statusCode).toBe(200);
    expect(list.json().workspaces.map((w: { id: string }) => w.id)).toEqual([ws.id]);
  });

  it("gives non-Latin names a usable slug", async () => {
    const u = await signUp(t.app);
    const ws = await createWorkspace(t.app, u.bearer, "ร้านกาแฟ");
    expect(ws.name).toBe("ร้านกาแฟ");
    expect(ws.slug).toMatch(/^workspace-[0-9a-z]{4}$/);
  });

  it("validates input with a stable code and no partial write", async () => {
    const u = await signUp(t.app);
    const empty = await call(t.app, u.bearer, "POST", "/api/v1/workspaces", { name: "   " });
    expectError(empty, 400, "VALIDATION_FAILED");
    const unknown = await call(t.app, u.bearer, "POST", "/api/v1/workspaces", { name: "X", plan: "free" });
    expectError(unknown, 400, "VALIDATION_FAILED");
    const wrongType = await call(t.app, u.bearer, "POST", "/api/v1/workspaces", { name: 42 });
    expectError(wrongType, 400, "VALIDATION_FAILED");
    const list = await call(t.app, u.bearer, "GET", "/api/v1/workspaces");
    expect(list.json().workspaces).toEqual([]);
  });

  it("requires authentication", async () => {
    expectError(await call(t.app, anonymous, "GET", "/api/v1/workspaces"), 401, "UNAUTHENTICATED");
    expectError(
      await call(t.app, anonymous, "POST", "/api/v1/workspaces", { name: "x" }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("isolates tenants: another workspace's member gets 404, by id, by listing and by API key", async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    const wa = await createWorkspace(t.app, a.bearer, "A");
    const wb = await createWorkspace(t.app, b.bearer, "B");
    expectError(await call(t.app, b.bearer, "GET", `/api/v1/workspaces/${wa.id}`), 404, "NOT_FOUND");
    expectError(
      await call(t.app, b.bearer, "PATCH", `/api/v1/workspaces/${wa.id}`, { name: "pwned" }),
      404,
      "NOT_FOUND",
    );
    const listB = await call(t.app, b.bearer, "GET", "/api/v1/workspaces");
    expect(listB.json().workspaces.map((w: { id: string }) => w.id)).toEqual([wb.id]);

    const keyB = await createApiKey(t.app, b.bearer, wb.id);
    const byKey = { headers: { authorization: `Bearer ${keyB.key}` } };
    expectError(await call(t.app, byKey, "GET", `/api/v1/workspaces/${wa.id}`), 404, "NOT_FOUND");
    const own = await call(t.app, byKey, "GET", `/api/v1/workspaces/${wb.id}`);
    expect(own.statusCode).toBe(200);
    const listed = await call(t.app, byKey, "GET", "/api/v1/workspaces");
    expect(listed.json().workspaces.map((w: { id: string }) => w.id)).toEqual([wb.id]);
    const a2 = await call(t.app, a.bearer, "GET", `/api/v1/workspaces/${wa.id}`);
    expect(a2.json().name).toBe("A");
  });

  it("answers malformed ids with 400, not 500", async () => {
    const u = await signUp(t.app);
    expectError(await call(t.app, u.bearer, "GET", "/api/v1/workspaces/not-an-id"), 400, "VALIDATION_FAILED");
    expectError(
      await call(t.app, u.bearer, "GET", "/api/v1/workspaces/ws_'%20OR%201=1"),
      400,
      "VALIDATION_FAILED",
    );
  });
});
