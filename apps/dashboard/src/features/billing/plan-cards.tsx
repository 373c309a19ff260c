import { CURRENCIES, type TPlan, type TWorkspaceBilling } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Check } from "lucide-react";
import { type ReactNode, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { Label, Select } from "../../components/ui/input.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { formatDate, formatNumber } from "../../lib/format.ts";
import { changePlan, startCheckout } from "./billing-api.ts";
import {
  type Currency,
  defaultCurrency,
  formatMoney,
  type Interval,
  type PlanAction,
  planAction,
  yearlySaving,
} from "./billing-logic.ts";
import { formatBytes } from "./format-bytes.ts";
import { NS } from "./i18n.ts";
import { useBillingError } from "./use-billing-error.ts";

/** The plans on offer, priced in the chosen currency and interval, each with what it offers. */
export function PlanCards(props: {
  workspaceId: string;
  billing: TWorkspaceBilling;
  plans: TPlan[];
  canManage: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const { billing } = props;
  const [interval, setInterval] = useState<Interval>(billing.subscription?.interval ?? "monthly");
  const [currency, setCurrency] = useState<Currency>(() => defaultCurrency(lang, billing));
  const [promptpay, setPromptpay] = useState(false);
  const currencyId = useId();
  const promptpayId = useId();
  const confirm = useConfirm();
  const errorText = useBillingError();
  const queryClient = useQueryClient();
  const plans = [...props.plans].sort((a, b) => a.position - b.position);
  const sellsYearly = plans.some((p) => Object.values(p.prices).some((x) => x.yearly > 0));
  const offersPromptpay = currency === "THB" && billing.paymentProviders.includes("stripe");
  const payByPromptpay = offersPromptpay && promptpay;

  const checkout = useMutation({
    mutationFn: (plan: TPlan) =>
      startCheckout(props.workspaceId, {
        planId: plan.id,
        interval,
        currency,
        ...(payByPromptpay ? { paymentMethod: "promptpay" as const } : {}),
      }),
    // The provider's hosted page takes over; it sends the user back to ?checkout=success|canceled.
    onSuccess: ({ url }) => window.location.assign(url),
    onError: (e) => toast.error(errorText(e)),
  });
  const change = useMutation({
    mutationFn: (v: { plan: TPlan; upgrade: boolean }) =>
      changePlan(props.workspaceId, { planId: v.plan.id, interval }),
    onSuccess: (updated, v) => {
      queryClient.setQueryData(["billing", props.workspaceId], updated);
      const end = billing.subscription?.currentPeriodEnd;
      toast.success(
        v.upgrade
          ? t("change.upgraded", { plan: v.plan.name })
          : t("change.downgraded", { plan: v.plan.name, date: end ? formatDate(lang, end) : "—" }),
      );
    },
    onError: (e) => toast.error(errorText(e)),
  });

  async function act(plan: TPlan, action: PlanAction) {
    if (action === "checkout") return checkout.mutate(plan);
    const upgrade = action === "upgrade";
    const end = billing.subscription?.currentPeriodEnd;
    const price = plan.prices[currency]?.[interval] ?? 0;
    const ok = await confirm({
      title: upgrade
        ? t("change.upgradeTitle", { plan: plan.name })
        : t("change.downgradeTitle", { plan: plan.name }),
      body: upgrade
        ? t("change.upgradeBody", { plan: plan.name })
        : t("change.downgradeBody", {
            plan: plan.name,
            current: billing.plan.name,
            date: end ? formatDate(lang, end) : "—",
            price: formatMoney(lang, price, currency),
          }),
      confirmLabel: upgrade ? t("change.upgradeConfirm") : t("change.downgradeConfirm"),
    });
    if (ok) change.mutate({ plan, upgrade });
  }

  const busyPlan = checkout.isPending
    ? checkout.variables?.id
    : change.isPending
      ? change.variables?.plan.id
      : null;

  return (
    <section aria-labelledby="plans-title" className="grid gap-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h2 id="plans-title" className="text-lg font-semibold">
          {t("plans.title")}
        </h2>
        <div className="flex flex-wrap items-end gap-3">
          {sellsYearly && (
            <fieldset className="flex gap-1 rounded-lg border p-1">
              <legend className="sr-only">{t("plans.interval")}</legend>
              {(["monthly", "yearly"] as const).map((i) => (
                <Button
                  key={i}
                  type="button"
                  size="sm"
                  variant={interval === i ? "default" : "ghost"}
                  aria-pressed={interval === i}
                  onClick={() => setInterval(i)}
                >
                  {t(`plans.${i}`)}
                </Button>
              ))}
            </fieldset>
          )}
          <div className="grid gap-1">
            <Label htmlFor={currencyId}>{t("plans.currency")}</Label>
            <Select
              id={currencyId}
              className="h-8 w-28 py-1"
              value={currency}
              onChange={(e) => setCurrency(e.target.value as Currency)}
            >
              {CURRENCIES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          </div>
        </div>
      </div>
      {offersPromptpay && props.canManage && (
        <div className="flex items-start gap-2 rounded-lg border p-3 text-sm">
          <input
            id={promptpayId}
            type="checkbox"
            className="mt-0.5 size-4"
            checked={promptpay}
            onChange={(e) => setPromptpay(e.target.checked)}
          />
          <div className="grid gap-1">
            <Label htmlFor={promptpayId}>{t("plans.promptpay")}</Label>
            <p className="text-muted-foreground">{t("plans.promptpayHint")}</p>
          </div>
        </div>
      )}
      <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {plans.map((plan) => {
          let action = planAction(plan, billing, currency, interval, plans);
          // A PromptPay payment buys a prepaid period: always a new checkout, never a plan change.
          if (payByPromptpay && (action === "upgrade" || action === "downgrade")) action = "checkout";
          return (
            <li key={plan.id}>
              <PlanCard
                plan={plan}
                action={action}
                currency={currency}
                interval={interval}
                billing={billing}
                canManage={props.canManage}
                busy={busyPlan === plan.id}
                disabled={busyPlan != null}
                onAct={() => void act(plan, action)}
              />
            </li>
          );
        })}
      </ul>
      <p className="text-xs text-muted-foreground">{t("plans.taxNote")}</p>
    </section>
  );
}

function PlanCard(props: {
  plan: TPlan;
  action: PlanAction;
  currency: Currency;
  interval: Interval;
  billing: TWorkspaceBilling;
  canManage: boolean;
  busy: boolean;
  disabled: boolean;
  onAct: () => void;
}) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const { plan, action, currency, interval } = props;
  const headingId = `plan-${plan.id}`;
  const price = plan.prices[currency];
  const amount = price?.[interval];
  const n = (v: number | null) => (v === null ? t("plans.unlimited") : formatNumber(lang, v));
  const saving = interval === "yearly" ? yearlySaving(price) : 0;
  const end = props.billing.subscription?.currentPeriodEnd;
  const current = action === "current";

  const button = (label: string, variant: "default" | "outline") => (
    <Button className="w-full" variant={variant} onClick={props.onAct} disabled={props.disabled}>
      {props.busy ? t("plans.redirecting") : label}
    </Button>
  );
  let footer: ReactNode;
  if (current) footer = <Badge tone="success">{t("plans.current")}</Badge>;
  else if (action === "scheduled")
    footer = <p className="text-sm">{t("plans.scheduled", { date: end ? formatDate(lang, end) : "—" })}</p>;
  else if (!props.canManage) footer = null;
  else if (action === "checkout") footer = button(t("plans.choose", { plan: plan.name }), "default");
  else if (action === "upgrade") footer = button(t("plans.upgrade", { plan: plan.name }), "default");
  else if (action === "downgrade") footer = button(t("plans.downgrade", { plan: plan.name }), "outline");
  else footer = <p className="text-sm text-muted-foreground">{t(`plans.why.${action}`, { currency })}</p>;

  return (
    <Card
      className={`flex h-full flex-col gap-3 p-5 ${current ? "border-primary ring-1 ring-primary" : ""}`}
      role="group"
      aria-labelledby={headingId}
    >
      <h3 id={headingId} className="font-semibold">
        {plan.name}
      </h3>
      <p className="min-h-14">
        {Object.keys(plan.prices).length === 0 ? (
          <span className="text-lg font-semibold">{t("plans.onRequest")}</span>
        ) : amount === undefined ? (
          <span className="text-sm text-muted-foreground">{t("plans.why.notInCurrency", { currency })}</span>
        ) : (
          <>
            <span className="text-2xl font-semibold tabular-nums" data-price>
              {formatMoney(lang, amount, currency)}
            </span>{" "}
            <span className="text-sm text-muted-foreground">
              {interval === "yearly" ? t("plans.perYear") : t("plans.perMonth")}
            </span>
            {saving > 0 && (
              <span className="block text-xs text-emerald-800 dark:text-emerald-300">
                {t("plans.saving", { percent: formatNumber(lang, saving) })}
              </span>
            )}
          </>
        )}
      </p>
      <ul className="grid gap-1.5 text-sm">
        {[
          t("plans.limits.aiReplies", { n: n(plan.limits.aiReplies) }),
          t("plans.limits.agents", { n: n(plan.limits.agents) }),
          t("plans.limits.sites", { n: n(plan.limits.sites) }),
          t("plans.limits.members", { n: n(plan.limits.members) }),
          t("plans.limits.knowledge", {
            n:
              plan.limits.knowledgeBytes === null
                ? t("plans.unlimited")
                : formatBytes(lang, plan.limits.knowledgeBytes),
          }),
        ].map((line) => (
          <li key={line} className="flex gap-2">
            <Check className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
            {line}
          </li>
        ))}
      </ul>
      <div className="mt-auto pt-2">{footer}</div>
    </Card>
  );
}
