import type { TWorkspaceBilling } from "@minichat/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { AlertTriangle, ExternalLink, Info } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { cn } from "../../lib/cn.ts";
import { formatDate, formatNumber } from "../../lib/format.ts";
import { workspacesQuery } from "../../lib/session.ts";
import { PageHeader } from "../shell/page-header.tsx";
import { billingQuery, openPortal, plansQuery } from "./billing-api.ts";
import { meter } from "./billing-logic.ts";
import { formatBytes } from "./format-bytes.ts";
import { NS } from "./i18n.ts";
import { PlanCards } from "./plan-cards.tsx";
import { useBillingError } from "./use-billing-error.ts";

const route = getRouteApi("/signed-in/w/$workspaceId/billing");

export function BillingPage() {
  const { t } = useTranslation(NS);
  const { workspaceId } = route.useParams();
  const search = route.useSearch() as { checkout?: unknown };
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Back from the payment page: the provider's webhook may still be on its way, so the billing
  // record is read again every few seconds for a while.
  const [awaitingPayment, setAwaitingPayment] = useState(false);
  const billing = useQuery({ ...billingQuery(workspaceId), refetchInterval: awaitingPayment ? 2000 : false });
  const plans = useQuery(plansQuery);
  const workspaces = useQuery(workspacesQuery);
  const role = workspaces.data?.find((w) => w.id === workspaceId)?.role;
  const canManage = role === "owner" || role === "admin";

  const handled = useRef<unknown>(null);
  useEffect(() => {
    const outcome = search.checkout;
    if (outcome !== "success" && outcome !== "canceled") {
      handled.current = null;
      return;
    }
    // Once per return from the payment page, even if the effect runs again before the URL changes.
    if (handled.current === outcome) return;
    handled.current = outcome;
    if (outcome === "success") {
      toast.success(t("checkout.success"));
      setAwaitingPayment(true);
      void queryClient.invalidateQueries({ queryKey: ["billing", workspaceId] });
    } else {
      toast.info(t("checkout.canceled"));
    }
    void navigate({ to: "/w/$workspaceId/billing", params: { workspaceId }, replace: true });
  }, [search.checkout, navigate, queryClient, t, workspaceId]);

  useEffect(() => {
    if (!awaitingPayment) return;
    const stop = setTimeout(() => setAwaitingPayment(false), 30_000);
    return () => clearTimeout(stop);
  }, [awaitingPayment]);

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {billing.isPending || plans.isPending ? (
        <SkeletonList rows={4} />
      ) : billing.isError || plans.isError ? (
        <ErrorState
          error={billing.error ?? plans.error}
          onRetry={() => {
            void billing.refetch();
            void plans.refetch();
          }}
        />
      ) : (
        <div className="grid gap-6">
          {billing.data.paymentProviders.length === 0 && (
            <div className="flex gap-3 rounded-lg border border-sky-300 bg-sky-50 p-4 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
              <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
              <div className="grid gap-1">
                <h2 className="font-semibold">{t("noProvider.title")}</h2>
                <p>{t("noProvider.body")}</p>
              </div>
            </div>
          )}
          {!canManage && workspaces.isSuccess && (
            <p className="text-sm text-muted-foreground">{t("readOnly")}</p>
          )}
          <div className="grid gap-6 lg:grid-cols-2">
            <CurrentPlan workspaceId={workspaceId} billing={billing.data} canManage={canManage} />
            <Allowance billing={billing.data} />
          </div>
          <PlanCards
            workspaceId={workspaceId}
            billing={billing.data}
            plans={plans.data}
            canManage={canManage}
          />
        </div>
      )}
    </>
  );
}

function statusTone(status: string) {
  if (status === "active") return "success" as const;
  if (status === "trialing") return "info" as const;
  if (status === "past_due") return "warning" as const;
  if (status === "canceled") return "danger" as const;
  return "neutral" as const;
}

function CurrentPlan({
  workspaceId,
  billing,
  canManage,
}: {
  workspaceId: string;
  billing: TWorkspaceBilling;
  canManage: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const errorText = useBillingError();
  const sub = billing.subscription;
  const date = (iso: string | null | undefined) => (iso ? formatDate(lang, iso) : "—");
  const portal = useMutation({
    mutationFn: () => openPortal(workspaceId),
    onSuccess: ({ url }) => window.location.assign(url),
    onError: (e) => toast.error(errorText(e)),
  });
  const withProvider = !!sub && sub.source !== "manual" && billing.paymentProviders.length > 0;
  const status = sub?.status ?? "active";
  const statusLabel = i18n.exists(`status.${status}`, { ns: NS }) ? t(`status.${status}`) : status;

  let note: string;
  if (!sub) note = t("current.defaultPlan", { end: date(billing.period.end) });
  else if (sub.status === "past_due")
    note = t("current.pastDue", { plan: billing.plan.name, date: date(sub.graceEndsAt) });
  else if (sub.status === "canceled") note = t("current.canceled");
  else if (sub.cancelAtPeriodEnd) note = t("current.endsOn", { date: date(sub.currentPeriodEnd) });
  else if (sub.source === "manual") note = t("current.manual", { end: date(billing.period.end) });
  else note = t("current.renewsOn", { date: date(sub.currentPeriodEnd) });

  return (
    <Card className="grid content-start gap-4 p-5" aria-labelledby="current-plan" role="group">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="current-plan" className="text-lg font-semibold">
          {t("current.title", { plan: billing.plan.name })}
        </h2>
        <Badge tone={statusTone(status)} data-subscription-status={status}>
          {statusLabel}
        </Badge>
      </div>
      {sub && sub.source !== "manual" && sub.status !== "canceled" && (
        <p className="text-sm">
          {t(sub.interval === "yearly" ? "current.billedYearly" : "current.billedMonthly", {
            currency: sub.currency.toUpperCase(),
          })}
        </p>
      )}
      <p
        className={cn(
          "text-sm",
          sub?.status === "past_due" &&
            "flex gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100",
        )}
        role={sub?.status === "past_due" ? "alert" : undefined}
      >
        {sub?.status === "past_due" && <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />}
        {note}
      </p>
      {sub?.scheduledPlanId && (
        <p className="text-sm" data-scheduled>
          {t("current.scheduled", { plan: sub.scheduledPlanId, date: date(sub.currentPeriodEnd) })}
        </p>
      )}
      {withProvider && canManage && (
        <div>
          <Button variant="outline" onClick={() => portal.mutate()} disabled={portal.isPending}>
            <ExternalLink aria-hidden />
            {portal.isPending ? t("current.opening") : t("current.manage")}
          </Button>
          <p className="mt-2 text-xs text-muted-foreground">{t("current.manageHint")}</p>
        </div>
      )}
    </Card>
  );
}

function Allowance({ billing }: { billing: TWorkspaceBilling }) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const { used, max, extra } = billing.aiReplies;
  const m = meter(used, max);
  const n = (v: number) => formatNumber(lang, v);
  const limit = (u: { used: number; max: number | null }, bytes = false) => {
    const f = bytes ? (v: number) => formatBytes(lang, v) : n;
    return u.max === null
      ? t("usage.ofUnlimited", { used: f(u.used) })
      : t("usage.of", { used: f(u.used), max: f(u.max) });
  };
  const barColour =
    m.level === "exceeded" ? "bg-destructive" : m.level === "warning" ? "bg-amber-500" : "bg-primary";
  return (
    <Card className="grid content-start gap-4 p-5" aria-labelledby="allowance" role="group">
      <h2 id="allowance" className="text-lg font-semibold">
        {t("usage.title")}
      </h2>
      <div className="grid gap-2">
        <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
          <span id="ai-replies-label" className="font-medium">
            {t("usage.aiReplies")}
          </span>
          <span className="tabular-nums" data-meter>
            {max === null
              ? t("usage.ofUnlimited", { used: n(used) })
              : t("usage.of", { used: n(used), max: n(max) })}
          </span>
        </div>
        {max !== null && (
          <div
            role="progressbar"
            aria-labelledby="ai-replies-label"
            aria-valuemin={0}
            aria-valuemax={max}
            aria-valuenow={Math.min(used, max)}
            aria-valuetext={t("usage.of", { used: n(used), max: n(max) })}
            className="h-2.5 overflow-hidden rounded-full bg-muted"
          >
            <div className={cn("h-full rounded-full", barColour)} style={{ width: `${m.percent}%` }} />
          </div>
        )}
        <p className="text-xs text-muted-foreground">
          {t("usage.resets", { date: formatDate(lang, billing.period.end) })}
          {extra > 0 && ` ${t("usage.extra", { extra: n(extra) })}`}
        </p>
        {(m.level === "warning" || m.level === "exceeded") && (
          <p
            role="alert"
            className="flex gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
          >
            <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
            {m.level === "exceeded" ? t("usage.exceeded") : t("usage.warning", { percent: n(m.percent) })}
          </p>
        )}
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
        <dt className="text-muted-foreground">{t("limits.agents")}</dt>
        <dd className="text-right tabular-nums">{limit(billing.usage.agents)}</dd>
        <dt className="text-muted-foreground">{t("limits.sites")}</dt>
        <dd className="text-right tabular-nums">{limit(billing.usage.sites)}</dd>
        <dt className="text-muted-foreground">{t("limits.members")}</dt>
        <dd className="text-right tabular-nums">{limit(billing.usage.members)}</dd>
        <dt className="text-muted-foreground">{t("limits.knowledge")}</dt>
        <dd className="text-right tabular-nums">{limit(billing.usage.knowledgeBytes, true)}</dd>
      </dl>
    </Card>
  );
}
