import { CURRENCIES, type TPlan, type TWorkspaceBilling } from "@minichat/contracts";

// What the billing screen decides from the billing record: the currency to show prices in,
// what each plan card offers, how full the AI-reply meter is. Pure, so it is unit-tested.

export type Currency = (typeof CURRENCIES)[number];
export type Interval = "monthly" | "yearly";

const isCurrency = (v: unknown): v is Currency => (CURRENCIES as readonly unknown[]).includes(v);

/** The subscription's currency when there is one, else the one the interface language suggests. */
export function defaultCurrency(lang: string, billing: Pick<TWorkspaceBilling, "subscription">): Currency {
  const paid = billing.subscription?.currency.toUpperCase();
  if (isCurrency(paid)) return paid;
  if (lang.startsWith("th")) return "THB";
  if (lang.startsWith("ru")) return "RUB";
  return "USD";
}

/** A price in minor units (cents, satang, kopecks) in the language's way of writing money. */
export function formatMoney(lang: string, minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const value = minor / 10 ** digits;
  return new Intl.NumberFormat(lang, {
    style: "currency",
    currency,
    minimumFractionDigits: Number.isInteger(value) ? 0 : digits,
    maximumFractionDigits: digits,
  }).format(value);
}

export const isFreePlan = (plan: Pick<TPlan, "prices">) => {
  const prices = Object.values(plan.prices);
  return prices.length > 0 && prices.every((p) => p.monthly === 0 && p.yearly === 0);
};

/** A subscription with a payment provider that the provider can still change. */
export function hasPaidSubscription(billing: Pick<TWorkspaceBilling, "subscription">): boolean {
  const s = billing.subscription;
  return !!s && s.source !== "manual" && s.status !== "canceled";
}

export type PlanAction =
  | "current"
  | "scheduled"
  | "checkout"
  | "upgrade"
  | "downgrade"
  | "viaPortal"
  | "onRequest"
  | "notInCurrency"
  | "unavailable"
  | "manual";

const rank = (position: number, interval: string) => position * 2 + (interval === "yearly" ? 1 : 0);

/** What a plan's card offers, for the price list shown (currency, interval). */
export function planAction(
  plan: TPlan,
  billing: Pick<TWorkspaceBilling, "plan" | "subscription" | "paymentProviders">,
  currency: Currency,
  interval: Interval,
  plans: readonly TPlan[],
): PlanAction {
  const sub = billing.subscription;
  const paid = hasPaidSubscription(billing);
  if (paid && sub) {
    if (sub.scheduledPlanId === plan.id && (sub.scheduledInterval ?? sub.interval) === interval)
      return "scheduled";
    if (sub.planId === plan.id && sub.interval === interval && !sub.scheduledPlanId) return "current";
  } else if (billing.plan.id === plan.id) {
    return "current";
  }
  if (Object.keys(plan.prices).length === 0) return "onRequest";
  if (isFreePlan(plan)) return paid ? "viaPortal" : "current";
  if (sub?.source === "manual" && sub.status !== "canceled") return "manual";
  if (!plan.prices[currency]?.[interval]) return "notInCurrency";
  if (billing.paymentProviders.length === 0) return "unavailable";
  if (!paid || !sub) return "checkout";
  const currentPosition = plans.find((p) => p.id === sub.planId)?.position ?? billing.plan.position;
  return rank(plan.position, interval) > rank(currentPosition, sub.interval) ? "upgrade" : "downgrade";
}

export type MeterLevel = "ok" | "warning" | "exceeded" | "unlimited";

/** How full the AI-reply allowance is: a warning from 80 %, as the quota emails. */
export function meter(used: number, max: number | null): { percent: number; level: MeterLevel } {
  if (max === null) return { percent: 0, level: "unlimited" };
  const percent = max === 0 ? 100 : Math.min(100, Math.round((used / max) * 100));
  return { percent, level: used >= max ? "exceeded" : percent >= 80 ? "warning" : "ok" };
}

/** Yearly price as a saving against twelve monthly payments, in whole percent (0 when none). */
export function yearlySaving(price: { monthly: number; yearly: number } | undefined): number {
  if (!price || price.monthly === 0) return 0;
  return Math.max(0, Math.round((1 - price.yearly / (price.monthly * 12)) * 100));
}
