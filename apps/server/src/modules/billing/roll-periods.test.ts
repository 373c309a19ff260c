import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createTestApp, createWorkspace, signUp, type TestApp } from "../../../test/harness.ts";
import { eventually } from "../../../test/smtp-server.ts";
import { workspaceSubscriptions } from "../../db/schema/index.ts";
import { currentPeriod } from "./period.ts";
import { ROLL_PERIODS_QUEUE } from "./roll-periods.ts";

// The roll-over job runs through pg-boss like the hourly schedule would start it.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" }, jobs: true });
});
afterAll(async () => {
  await t?.close();
});

describe("billing.roll-periods job", () => {
  it("moves a manual plan's past period to the current month", async () => {
    const admin = await signUp(t.app);
    const ws = await createWorkspace(t.app, admin.bearer);
    const res = await call(t.app, admin.bearer, "PUT", `/api/v1/admin/workspaces/${ws.id}/plan`, {
      planId: "starter",
    });
    expect(res.statusCode, res.body).toBe(200);
    const where = eq(workspaceSubscriptions.workspaceId, ws.id);
    await t.app.ctx.db
      .update(workspaceSubscriptions)
      .set({
        currentPeriodStart: new Date("2025-01-01T00:00:00Z"),
        currentPeriodEnd: new Date("2025-02-01T00:00:00Z"),
      })
      .where(where);

    await t.jobs!.send(ROLL_PERIODS_QUEUE, {});
    const month = currentPeriod(null, new Date());
    const sub = await eventually(async () => {
      const [row] = await t.app.ctx.db.select().from(workspaceSubscriptions).where(where);
      return row!.currentPeriodStart!.getTime() === month.start.getTime() ? row : undefined;
    });
    expect(sub?.currentPeriodEnd?.toISOString()).toBe(month.end.toISOString());
  });
});
