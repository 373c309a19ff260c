import type { TPlan, TWorkspaceBilling } from "@minichat/contracts";
import { describe, expect, it } from "vitest";
import { defaultCurrency, formatMoney, meter, planAction, yearlySaving } from "./billing-logic.ts";

const limits = { aiReplies: 250, agents: 1, sites: 1, members: 2, knowledgeBytes: 1 };
const plan = (id: string, position: number, prices: TPlan["prices"]): TPlan => ({
  id,
  name: id,
  position,
  limits,
  prices,
  public: true,
});
const free = plan("free", 0, { USD: { monthly: 0, yearly: 0 } });
const starter = plan("starter", 1, {
  USD: { monthly: 1900, yearly: 18240 },
  THB: { monthly: 69000, yearly: 662400 },
});
const pro = plan("pro", 2, { USD: { monthly: 4900, yearly: 47040 } });
const enterprise = plan("enterprise", 9, {});
const plans = [free, starter, pro, enterprise];

type B = Pick<TWorkspaceBilling, "plan" | "subscription" | "paymentProviders">;
const onFree: B = { plan: free, subscription: null, paymentProviders: ["stripe"] };
const sub = (
  o: Partial<NonNullable<TWorkspaceBilling["subscription"]>>,
): TWorkspaceBilling["subscription"] => ({
  status: "active",
  interval: "monthly",
  currency: "USD",
  source: "stripe",
  planId: "pro",
  cancelAtPeriodEnd: false,
  currentPeriodEnd: "2026-12-01T00:00:00.000Z",
  scheduledPlanId: null,
  scheduledInterval: null,
  pastDueSince: null,
  graceEndsAt: null,
  ...o,
});

describe("plan cards", () => {
  it("offer a checkout from the free plan, and say so when payments are not set up", () => {
    expect(plans.map((p) => planAction(p, onFree, "USD", "monthly", plans))).toEqual([
      "current",
      "checkout",
      "checkout",
      "onRequest",
    ]);
    const none = { ...onFree, paymentProviders: [] };
    expect(planAction(starter, none, "USD", "monthly", plans)).toBe("unavailable");
    expect(planAction(pro, onFree, "THB", "monthly", plans)).toBe("notInCurrency");
  });

  it("change a paid plan: higher is an upgrade, lower (or monthly from yearly) a downgrade", () => {
    const onPro: B = { plan: pro, subscription: sub({}), paymentProviders: ["stripe"] };
    expect(planAction(pro, onPro, "USD", "monthly", plans)).toBe("current");
    expect(planAction(pro, onPro, "USD", "yearly", plans)).toBe("upgrade");
    expect(planAction(starter, onPro, "USD", "monthly", plans)).toBe("downgrade");
    expect(planAction(free, onPro, "USD", "monthly", plans)).toBe("viaPortal");
    const scheduled: B = {
      ...onPro,
      subscription: sub({ scheduledPlanId: "starter", scheduledInterval: "monthly" }),
    };
    expect(planAction(starter, scheduled, "USD", "monthly", plans)).toBe("scheduled");
  });

  it("leave plans assigned by the operator to the operator", () => {
    const manual: B = {
      plan: starter,
      subscription: sub({ source: "manual", planId: "starter" }),
      paymentProviders: ["stripe"],
    };
    expect(planAction(pro, manual, "USD", "monthly", plans)).toBe("manual");
  });
});

describe("money, meter, currency", () => {
  it("formats minor units per language and currency", () => {
    expect(formatMoney("en", 1900, "USD")).toBe("$19");
    expect(formatMoney("en", 1950, "USD")).toBe("$19.50");
    expect(formatMoney("th", 69000, "THB")).toContain("690");
    expect(formatMoney("ru", 179000, "RUB")).toMatch(/1\s790\s₽/);
  });

  it("warns from 80 % and says when the allowance is used up", () => {
    expect(meter(10, 250)).toEqual({ percent: 4, level: "ok" });
    expect(meter(200, 250)).toEqual({ percent: 80, level: "warning" });
    expect(meter(260, 250)).toEqual({ percent: 100, level: "exceeded" });
    expect(meter(5, null).level).toBe("unlimited");
  });

  it("picks the subscription's currency, else the language's", () => {
    expect(defaultCurrency("th", { subscription: null })).toBe("THB");
    expect(defaultCurrency("ru", { subscription: null })).toBe("RUB");
    expect(defaultCurrency("en", { subscription: null })).toBe("USD");
    expect(defaultCurrency("th", { subscription: sub({ currency: "usd" }) })).toBe("USD");
  });

  it("shows the yearly saving", () => {
    expect(yearlySaving({ monthly: 1900, yearly: 18240 })).toBe(20);
    expect(yearlySaving({ monthly: 0, yearly: 0 })).toBe(0);
  });
});

describe("sizes", () => {
  it("states plan storage as the plans are set (MB of 1024 × 1024 bytes)", async () => {
    const { formatBytes } = await import("./format-bytes.ts");
    expect(formatBytes("en", 20 * 1024 * 1024)).toBe("20 MB");
    expect(formatBytes("en", 2 * 1024 ** 3)).toBe("2 GB");
    expect(formatBytes("en", 0)).toBe("0 kB");
  });
});
