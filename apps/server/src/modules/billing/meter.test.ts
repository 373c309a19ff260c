import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeOpenAI } from "../../../test/fake-llm.ts";
import {
  asBearer,
  type Caller,
  call,
  createApiKey,
  createTestApp,
  createWorkspace,
  expectError,
  outboxFor,
  type SignedUp,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { messages, usagePeriods, workspaceSubscriptions } from "../../db/schema/index.ts";
import type { DomainEvent } from "../../platform/events.ts";
import { rollPeriods } from "./roll-periods.ts";

// The AI-reply meter end to end: real chat requests through the API, the fake OpenAI server as
// the model, the real database counting (PGlite here, PostgreSQL with TEST_DATABASE_URL).

let openai: FakeLlmServer;
let t: TestApp;
let admin: SignedUp;
let now = new Date("2026-11-20T12:00:00Z");
const alerts: Extract<DomainEvent, { type: "billing.quota_alert" }>[] = [];

beforeAll(async () => {
  openai = await startFakeOpenAI();
  t = await createTestApp({
    env: {
      AUTH_RATE_LIMIT_MAX: "100000",
      RATE_LIMIT_MAX: "100000",
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: openai.url,
      LLM_BREAKER_THRESHOLD: "100000",
      DEFAULT_PLAN: "free",
    },
    clock: { now: () => now },
  });
  admin = await signUp(t.app, { name: "Platform Admin" });
  t.app.ctx.events.on("billing.quota_alert", (e) => alerts.push(e));
});
afterAll(async () => {
  await t?.close();
  await openai?.close();
});

type Owner = SignedUp & { wsId: string; agentId: string };

async function ownerWithAgent(body: Record<string, unknown> = {}, locale?: string): Promise<Owner> {
  const u = await signUp(t.app, locale ? { locale } : {});
  const ws = await createWorkspace(t.app, u.bearer);
  const res = await call(t.app, u.bearer, "POST", `/api/v1/workspaces/${ws.id}/agents`, {
    name: "Mia",
    instructions: "You are Mia.",
    provider: "openai",
    model: "gpt-4o-mini",
    ...body,
  });
  if (res.statusCode !== 201) throw new Error(`agent: ${res.statusCode} ${res.body}`);
  return { ...u, wsId: ws.id, agentId: res.json().id };
}

const chat = (who: Caller, o: Owner, message: string) =>
  call(t.app, who, "POST", `/api/v1/workspaces/${o.wsId}/agents/${o.agentId}/chat`, { message });

async function used(wsId: string): Promise<number> {
  const res = await call(t.app, admin.bearer, "GET", "/api/v1/admin/workspaces?limit=500");
  return res.json().workspaces.find((w: { id: string }) => w.id === wsId).aiReplies.used;
}

describe("AI reply meter", () => {
  it("200 concurrent replies at a limit of 100: exactly 100 are answered by the model", async () => {
    const o = await ownerWithAgent();
    const edit = await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/pro", {
      limits: { aiReplies: 100 },
    });
    expect(edit.statusCode).toBe(200);
    const assign = await call(t.app, admin.bearer, "PUT", `/api/v1/admin/workspaces/${o.wsId}/plan`, {
      planId: "pro",
    });
    expect(assign.statusCode).toBe(200);
    const before = openai.requests.length;

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => chat(o.bearer, o, `question ${i}`)),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);

    expect(openai.requests.length - before).toBe(100);
    const rows = await t.app.ctx.db
      .select()
      .from(messages)
      .where(and(eq(messages.workspaceId, o.wsId), eq(messages.role, "assistant")));
    expect(rows).toHaveLength(200);
    expect(rows.filter((m) => m.status === "complete" && m.provider === "openai")).toHaveLength(100);
    const stopped = rows.filter((m) => m.errorCode === "QUOTA_EXCEEDED");
    expect(stopped).toHaveLength(100);
    expect(stopped[0]!.content).toMatch(/can't answer automatically/);
    expect(await used(o.wsId)).toBe(100);

    // 80, 90 and 100 % each told once: event, stored alert, email to the owner.
    const mine = alerts.filter((a) => a.workspaceId === o.wsId);
    expect(mine.map((a) => a.threshold).sort()).toEqual([100, 80, 90]);
    const billing = (await call(t.app, o.bearer, "GET", `/api/v1/workspaces/${o.wsId}/billing`)).json();
    expect(billing.plan.id).toBe("pro");
    expect(billing.aiReplies).toEqual({ used: 100, max: 100, left: 0, extra: 0 });
    expect(billing.alerts.map((a: { threshold: number }) => a.threshold)).toEqual([80, 90, 100]);
    const mail = await outboxFor(t.database, o.user.email);
    expect(mail.filter((m) => m.template === "quota-alert")).toHaveLength(3);
    expect(mail.some((m) => m.subject.includes("used all its AI replies"))).toBe(true);

    // A quota extension lets the model answer again, counted on top of the plan.
    const ext = await call(
      t.app,
      admin.bearer,
      "POST",
      `/api/v1/admin/workspaces/${o.wsId}/quota-extension`,
      {
        replies: 5,
      },
    );
    expect(ext.statusCode).toBe(200);
    expect(ext.json().aiReplies).toMatchObject({ used: 100, max: 105, left: 5, extra: 5 });
    const again = await chat(o.bearer, o, "one more");
    expect(again.json().message.status).toBe("complete");
    expect(await used(o.wsId)).toBe(101);
    await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/pro", { limits: { aiReplies: 10000 } });
  });

  it("a failed model call gives its reply back; the built-in responder is not metered", async () => {
    const o = await ownerWithAgent();
    openai.enqueue({ kind: "error", status: 400 });
    const failed = await chat(o.bearer, o, "hello");
    expect(failed.json().message.status).toBe("failed");
    expect(failed.json().error.code).toBe("MODEL_UNAVAILABLE");
    expect(await used(o.wsId)).toBe(0);

    const ok = await chat(o.bearer, o, "hello again");
    expect(ok.json().message.status).toBe("complete");
    expect(await used(o.wsId)).toBe(1);

    const b = await ownerWithAgent({ provider: "builtin", model: "builtin" });
    await chat(b.bearer, b, "hi there");
    expect(await used(b.wsId)).toBe(0);
  });

  it("at 100 % the visitor is told politely in their language and the model is not called", async () => {
    const o = await ownerWithAgent({ language: "th" }, "th");
    await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/starter", { limits: { aiReplies: 1 } });
    await call(t.app, admin.bearer, "PUT", `/api/v1/admin/workspaces/${o.wsId}/plan`, { planId: "starter" });
    expect((await chat(o.bearer, o, "hello")).json().message.status).toBe("complete");
    const before = openai.requests.length;
    const stopped = await chat(o.bearer, o, "hello?");
    expect(openai.requests.length).toBe(before);
    expect(stopped.json().message.content).toMatch(/ขออภัย/);
    expect(stopped.json().error.code).toBe("QUOTA_EXCEEDED");
    expect(stopped.json().error.message).toMatch(/Starter/);
    const mail = await outboxFor(t.database, o.user.email);
    expect(mail.find((m) => m.template === "quota-alert" && m.locale === "th")).toBeTruthy();

    // A program on the OpenAI-compatible endpoint gets a 429 it can handle, not the polite text.
    const { key } = await createApiKey(t.app, o.bearer, o.wsId);
    const completions = await call(t.app, asBearer(key), "POST", "/v1/chat/completions", {
      model: o.agentId,
      messages: [{ role: "user", content: "hello?" }],
    });
    expectError(completions, 429, "QUOTA_EXCEEDED");
    const streamed = await call(t.app, asBearer(key), "POST", "/v1/chat/completions", {
      model: o.agentId,
      messages: [{ role: "user", content: "hello?" }],
      stream: true,
    });
    expect(streamed.body).toContain('"type":"insufficient_quota"');
    expect(openai.requests.length).toBe(before);
    await call(t.app, admin.bearer, "PUT", "/api/v1/admin/plans/starter", { limits: { aiReplies: 2000 } });
  });

  it("a new calendar month counts from zero; the roll-over job advances manual periods", async () => {
    const o = await ownerWithAgent();
    await call(t.app, admin.bearer, "PUT", `/api/v1/admin/workspaces/${o.wsId}/plan`, { planId: "starter" });
    await chat(o.bearer, o, "november");
    expect(await used(o.wsId)).toBe(1);

    now = new Date("2026-12-01T00:30:00Z");
    try {
      expect(await used(o.wsId)).toBe(0);
      await chat(o.bearer, o, "december");
      expect(await used(o.wsId)).toBe(1);
      const keys = await t.app.ctx.db
        .select({ key: usagePeriods.periodKey, n: usagePeriods.aiReplies })
        .from(usagePeriods)
        .where(eq(usagePeriods.workspaceId, o.wsId));
      expect(keys.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { key: "2026-11", n: 1 },
        { key: "2026-12", n: 1 },
      ]);

      expect(await rollPeriods({ db: t.app.ctx.db, logger: t.app.log }, now)).toBeGreaterThanOrEqual(1);
      const [sub] = await t.app.ctx.db
        .select()
        .from(workspaceSubscriptions)
        .where(eq(workspaceSubscriptions.workspaceId, o.wsId));
      expect(sub!.currentPeriodStart!.toISOString()).toBe("2026-12-01T00:00:00.000Z");
      expect(sub!.currentPeriodEnd!.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    } finally {
      now = new Date("2026-11-20T12:00:00Z");
    }
  });
});
