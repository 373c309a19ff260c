import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, type TestApp } from "../../../test/harness.ts";
import { conversations } from "../../db/schema/index.ts";
import { HOST, nextIp, ownerWithLiveAgent, startVisitor } from "./widget-test-helpers.ts";

// What the public widget API refuses: other origins, bad tokens, other conversations, floods,
// forged identities, unknown / rotated / draft keys.

let t: TestApp;
const PER_VISITOR = 3;
const PER_IP = 5;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      RATE_LIMIT_MAX: "10000",
      AUTH_RATE_LIMIT_MAX: "10000",
      TRUST_PROXY: "true",
      WIDGET_VISITOR_MESSAGES_PER_MINUTE: String(PER_VISITOR),
      WIDGET_IP_MESSAGES_PER_MINUTE: String(PER_IP),
    },
  });
});
afterAll(async () => t?.close());

const configUrl = (pk: string) => `/api/v1/widget/${pk}/config`;

describe("public keys", () => {
  it("answers 404 for an unknown key, a rotated key and a draft agent", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    expect((await t.app.inject({ method: "GET", url: configUrl("pk_nope") })).statusCode).toBe(404);
    const rotated = await call(
      t.app,
      owner.bearer,
      "PATCH",
      `/api/v1/workspaces/${owner.wsId}/agents/${owner.agentId}`,
      {
        rotatePublicKey: true,
      },
    );
    expect(rotated.statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: configUrl(owner.publicKey) })).statusCode).toBe(404);
    const start = await t.app.inject({
      method: "POST",
      url: `/api/v1/widget/${owner.publicKey}/conversations`,
      payload: {},
    });
    expect(start.statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: configUrl(rotated.json().publicKey) })).statusCode).toBe(
      200,
    );

    const draft = await ownerWithLiveAgent(t.app, { status: "draft" });
    const res = await t.app.inject({ method: "GET", url: configUrl(draft.publicKey) });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("NOT_FOUND");
  });

  it("closes a live conversation's API when its agent goes back to draft", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    await call(t.app, owner.bearer, "PATCH", `/api/v1/workspaces/${owner.wsId}/agents/${owner.agentId}`, {
      status: "draft",
    });
    expect((await v.send("GET", v.url("/messages"))).statusCode).toBe(404);
  });
});

describe("allowed origins and CORS", () => {
  it("answers any host page when the agent lists no origins, reflecting its origin without credentials", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const res = await t.app.inject({
      method: "GET",
      url: configUrl(owner.publicKey),
      headers: { origin: "https://anything.example" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("https://anything.example");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("answers a CORS preflight from a host page (the dashboard's CORS would refuse it)", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const res = await t.app.inject({
      method: "OPTIONS",
      url: v.url("/messages"),
      headers: {
        origin: HOST,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe(HOST);
    expect(String(res.headers["access-control-allow-headers"])).toContain("authorization");
    expect(String(res.headers["access-control-allow-methods"])).toContain("POST");
    // The dashboard's own API still refuses that origin.
    const other = await t.app.inject({
      method: "OPTIONS",
      url: "/api/v1/workspaces",
      headers: { origin: HOST, "access-control-request-method": "POST" },
    });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses pages outside the agent's allowed origins with 403 ORIGIN_NOT_ALLOWED", async () => {
    const owner = await ownerWithLiveAgent(t.app, {
      allowedOrigins: ["https://shop.example", "http://localhost:8080"],
    });
    for (const origin of ["https://shop.example", "http://localhost:8080"]) {
      const ok = await t.app.inject({ method: "GET", url: configUrl(owner.publicKey), headers: { origin } });
      expect(ok.statusCode, origin).toBe(200);
    }
    for (const origin of [
      "https://evil.example",
      "https://shop.example.evil.example",
      "http://shop.example",
    ]) {
      const res = await t.app.inject({ method: "GET", url: configUrl(owner.publicKey), headers: { origin } });
      expect(res.statusCode, origin).toBe(403);
      expect(res.json().error.code).toBe("ORIGIN_NOT_ALLOWED");
    }
    const noOrigin = await t.app.inject({ method: "GET", url: configUrl(owner.publicKey) });
    expect(noOrigin.statusCode).toBe(403);
    // A token obtained on an allowed page does not work from another one.
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const stolen = await call(
      t.app,
      { headers: { authorization: `Bearer ${v.visitorToken}`, origin: "https://evil.example" } },
      "GET",
      v.url("/messages"),
    );
    expect(stolen.statusCode).toBe(403);
    expect((await v.send("GET", v.url("/messages"))).statusCode).toBe(200);
  });
});

describe("visitor tokens", () => {
  it("refuses a missing, forged or expired token with 401", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const url = v.url("/messages");
    const noToken = await call(t.app, { headers: { origin: HOST } }, "GET", url);
    expect(noToken.statusCode).toBe(401);
    expect(noToken.json().error.code).toBe("UNAUTHENTICATED");
    for (const token of [`vt_${"A".repeat(43)}`, "garbage", `${v.visitorToken.slice(0, -1)}x`]) {
      const res = await call(
        t.app,
        { headers: { origin: HOST, authorization: `Bearer ${token}` } },
        "GET",
        url,
      );
      expect(res.statusCode, token).toBe(401);
    }
    await t.app.ctx.db
      .update(conversations)
      .set({ visitorTokenExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(conversations.id, v.conversationId));
    const expired = await v.send("POST", url, { content: "hello?" });
    expect(expired.statusCode).toBe(401);
  });

  it("answers 404 when a visitor's token is used on another conversation", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const a = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const b = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    await b.send("POST", b.url("/messages"), { content: "my secret order number is 1234" });
    for (const [method, rest, body] of [
      ["GET", "/messages", undefined],
      ["POST", "/messages", { content: "hi" }],
      ["POST", "/rating", { rating: 1 }],
      ["POST", "/contact", { email: "x@example.com" }],
      ["POST", "/handoff", {}],
    ] as const) {
      const res = await a.send(method, b.url(rest), body);
      expect(res.statusCode, `${method} ${rest}`).toBe(404);
      expect(res.body).not.toContain("1234");
    }
  });

  it("extends the token's expiry when it is used", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    const soon = new Date(Date.now() + 3_600_000);
    await t.app.ctx.db
      .update(conversations)
      .set({ visitorTokenExpiresAt: soon })
      .where(eq(conversations.id, v.conversationId));
    expect((await v.send("GET", v.url("/messages"))).statusCode).toBe(200);
    const [row] = await t.app.ctx.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, v.conversationId));
    expect(row!.visitorTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });
});

describe("floods", () => {
  it("limits messages per visitor with 429 and Retry-After", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    for (let i = 0; i < PER_VISITOR; i++) {
      expect((await v.send("POST", v.url("/messages"), { content: `hello ${i}` })).statusCode).toBe(200);
    }
    const res = await v.send("POST", v.url("/messages"), { content: "one more" });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe("RATE_LIMITED");
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("limits messages per IP across many visitor tokens", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const ip = nextIp();
    const codes: number[] = [];
    for (let i = 0; i < PER_IP + 1; i++) {
      const v = await startVisitor(t.app, owner.publicKey, { ip });
      codes.push((await v.send("POST", v.url("/messages"), { content: "hi" })).statusCode);
    }
    expect(codes.slice(0, PER_IP).every((c) => c === 200)).toBe(true);
    expect(codes.at(-1)).toBe(429);
    // Another network is unaffected.
    const other = await startVisitor(t.app, owner.publicKey, { ip: nextIp() });
    expect((await other.send("POST", other.url("/messages"), { content: "hi" })).statusCode).toBe(200);
  });
});

describe("identity verification", () => {
  it("keeps a user id signed with the agent's secret and ignores unsigned or wrongly signed ones", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const created = await call(
      t.app,
      owner.bearer,
      "POST",
      `/api/v1/workspaces/${owner.wsId}/agents/${owner.agentId}/identity-secret`,
    );
    expect(created.statusCode, created.body).toBe(201);
    const { secret } = created.json();
    const sign = (id: string, key = secret) => createHmac("sha256", key).update(id).digest("hex");
    const externalOf = async (body: Record<string, unknown>) => {
      const v = await startVisitor(t.app, owner.publicKey, { ip: nextIp(), body });
      const [row] = await t.app.ctx.db
        .select()
        .from(conversations)
        .where(eq(conversations.id, v.conversationId));
      return row!.externalUserId;
    };
    expect(await externalOf({ userId: "user-42", userHash: sign("user-42") })).toBe("user-42");
    expect(await externalOf({ userId: "user-42" })).toBeNull();
    expect(await externalOf({ userId: "user-42", userHash: sign("user-43") })).toBeNull();
    expect(await externalOf({ userId: "user-42", userHash: sign("user-42", "another-secret") })).toBeNull();
    expect(await externalOf({ userId: "user-42", userHash: "zz" })).toBeNull();

    // A new secret: signatures made with the old one stop verifying.
    const again = await call(
      t.app,
      owner.bearer,
      "POST",
      `/api/v1/workspaces/${owner.wsId}/agents/${owner.agentId}/identity-secret`,
    );
    expect(again.json().secret).not.toBe(secret);
    expect(await externalOf({ userId: "user-42", userHash: sign("user-42") })).toBeNull();
    expect(await externalOf({ userId: "user-42", userHash: sign("user-42", again.json().secret) })).toBe(
      "user-42",
    );
  });

  it("ignores a user id when the agent has no identity secret", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const v = await startVisitor(t.app, owner.publicKey, {
      ip: nextIp(),
      body: { userId: "user-42", userHash: createHmac("sha256", "").update("user-42").digest("hex") },
    });
    const [row] = await t.app.ctx.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, v.conversationId));
    expect(row!.externalUserId).toBeNull();
  });
});
