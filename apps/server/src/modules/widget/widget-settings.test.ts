import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, createWorkspace, signUp, type TestApp } from "../../../test/harness.ts";
import { ownerWithLiveAgent } from "./widget-test-helpers.ts";

// The owners' side: widget settings and allowed origins on the agent, the identity secret.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_MAX: "10000", AUTH_RATE_LIMIT_MAX: "10000" } });
});
afterAll(async () => t?.close());

const agentUrl = (o: { wsId: string; agentId: string }, rest = "") =>
  `/api/v1/workspaces/${o.wsId}/agents/${o.agentId}${rest}`;

describe("agent widget settings", () => {
  it("saves appearance and origins, merging widget keys on update", async () => {
    const owner = await ownerWithLiveAgent(t.app, {
      widget: { color: "#112233", theme: "dark" },
      allowedOrigins: ["https://Shop.Example", "https://shop.example"],
    });
    const got = await call(t.app, owner.bearer, "GET", agentUrl(owner));
    expect(got.json()).toMatchObject({
      widget: { color: "#112233", theme: "dark" },
      allowedOrigins: ["https://shop.example"],
      identitySecretSet: false,
    });
    const patched = await call(t.app, owner.bearer, "PATCH", agentUrl(owner), {
      widget: {
        position: "bottom-left",
        proactive: { enabled: true, delaySeconds: 5, urlPatterns: ["/pricing*"], message: "Need help?" },
      },
      allowedOrigins: [],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      widget: {
        color: "#112233",
        theme: "dark",
        position: "bottom-left",
        proactive: { enabled: true, delaySeconds: 5, urlPatterns: ["/pricing*"], message: "Need help?" },
      },
      allowedOrigins: [],
    });
    const config = await t.app.inject({ method: "GET", url: `/api/v1/widget/${owner.publicKey}/config` });
    expect(config.json()).toMatchObject({
      color: "#112233",
      position: "bottom-left",
      proactive: { delaySeconds: 5 },
    });
  });

  it("refuses bad colours, origins with paths and unknown keys", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    for (const body of [
      { widget: { color: "red" } },
      { widget: { color: "#12345" } },
      { widget: { position: "top" } },
      { widget: { surprise: true } },
      { widget: { avatarUrl: "javascript:alert(1)" } },
      { allowedOrigins: ["https://shop.example/path"] },
      { allowedOrigins: ["shop.example"] },
      { allowedOrigins: ["ftp://shop.example"] },
      { allowedOrigins: ["https://shop.example:8080/"] },
    ]) {
      const res = await call(t.app, owner.bearer, "PATCH", agentUrl(owner), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe("VALIDATION_FAILED");
    }
  });

  it("shows the identity secret once; afterwards only that it is set", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const res = await call(t.app, owner.bearer, "POST", agentUrl(owner, "/identity-secret"));
    expect(res.statusCode, res.body).toBe(201);
    const { secret } = res.json();
    expect(secret).toMatch(/^ids_[\w-]{43}$/);
    const got = await call(t.app, owner.bearer, "GET", agentUrl(owner));
    expect(got.json().identitySecretSet).toBe(true);
    expect(got.body).not.toContain(secret);
    const list = await call(t.app, owner.bearer, "GET", `/api/v1/workspaces/${owner.wsId}/agents`);
    expect(list.body).not.toContain(secret);
    expect(list.body).not.toContain("enc:v1");
  });

  it("keeps another workspace out (404)", async () => {
    const owner = await ownerWithLiveAgent(t.app);
    const stranger = await signUp(t.app);
    const theirs = await createWorkspace(t.app, stranger.bearer, "Other");
    const foreign = { wsId: theirs.id, agentId: owner.agentId };
    expect(
      (await call(t.app, stranger.bearer, "POST", agentUrl(foreign, "/identity-secret"))).statusCode,
    ).toBe(404);
    expect(
      (await call(t.app, stranger.bearer, "PATCH", agentUrl(foreign), { widget: { color: "#000000" } }))
        .statusCode,
    ).toBe(404);
    expect((await call(t.app, stranger.bearer, "POST", agentUrl(owner, "/identity-secret"))).statusCode).toBe(
      404,
    );
    expect(
      (await call(t.app, stranger.bearer, "PATCH", agentUrl(owner), { allowedOrigins: [] })).statusCode,
    ).toBe(404);
    const mine = await call(t.app, owner.bearer, "GET", agentUrl(owner));
    expect(mine.json().identitySecretSet).toBe(false);
  });
});
