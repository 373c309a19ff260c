import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { lazy, Suspense, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { EmptyState, ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { cn } from "../../lib/cn.ts";
import { formatNumber, formatUsd } from "../../lib/format.ts";
import { PageHeader } from "../shell/page-header.tsx";
import { NS } from "./i18n.ts";
import { type TUsageReport, usageQuery } from "./usage-api.ts";
import { formatDay } from "./usage-format.ts";
import { everyDay, PRESETS, type Preset, rangeOf, shareOfMax } from "./usage-range.ts";

// recharts is large: it loads with the charts, after the totals are on screen.
const UsageCharts = lazy(() => import("./usage-charts.tsx").then((m) => ({ default: m.UsageCharts })));

const route = getRouteApi("/signed-in/w/$workspaceId/usage");

export function UsagePage() {
  const { t, i18n } = useTranslation(NS);
  const { workspaceId } = route.useParams();
  const [preset, setPreset] = useState<Preset>("30d");
  // The range is fixed when the preset is picked, so a refetch asks for the same days.
  const range = useMemo(() => rangeOf(preset), [preset]);
  const usage = useQuery(usageQuery(workspaceId, range.from, range.to));
  const lang = i18n.language;

  const presets = (
    <fieldset className="flex flex-wrap gap-1 rounded-lg border p-1">
      <legend className="sr-only">{t("range.label")}</legend>
      {PRESETS.map((p) => (
        <Button
          key={p}
          type="button"
          size="sm"
          variant={p === preset ? "default" : "ghost"}
          aria-pressed={p === preset}
          onClick={() => setPreset(p)}
        >
          {t(`range.${p}`)}
        </Button>
      ))}
    </fieldset>
  );

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} actions={presets} />
      <p className="mb-4 text-sm text-muted-foreground" aria-live="polite">
        {t("range.showing", {
          from: formatDay(lang, range.from, "long"),
          to: formatDay(lang, range.to, "long"),
        })}
      </p>
      {usage.isPending ? (
        <SkeletonList rows={4} />
      ) : usage.isError ? (
        <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />
      ) : usage.data.totals.messages === 0 ? (
        <EmptyState
          title={t("empty.title")}
          body={t("empty.body")}
          action={
            <Button asChild variant="outline">
              <Link to="/w/$workspaceId/agents" params={{ workspaceId }}>
                {t("empty.action")}
              </Link>
            </Button>
          }
        />
      ) : (
        <Report report={usage.data} from={range.from} to={range.to} stale={usage.isPlaceholderData} />
      )}
    </>
  );
}

function Report({
  report,
  from,
  to,
  stale,
}: {
  report: TUsageReport;
  from: string;
  to: string;
  stale: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const days = useMemo(() => everyDay(report.byDay, from, to), [report.byDay, from, to]);
  const totals = [
    { key: "replies", value: formatNumber(lang, report.totals.messages) },
    { key: "inputTokens", value: formatNumber(lang, report.totals.inputTokens) },
    { key: "outputTokens", value: formatNumber(lang, report.totals.outputTokens) },
    { key: "cost", value: formatUsd(lang, report.totals.costUsd) },
  ] as const;
  return (
    <div className={cn("grid gap-6 transition-opacity", stale && "opacity-60")} aria-busy={stale}>
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {totals.map((x) => (
          <Card key={x.key} className="grid gap-1 p-4">
            <dt className="text-sm text-muted-foreground">{t(`totals.${x.key}`)}</dt>
            <dd className="text-2xl font-semibold tabular-nums" data-total={x.key}>
              {x.value}
            </dd>
          </Card>
        ))}
      </dl>
      <p className="-mt-3 text-xs text-muted-foreground">{t("costNote")}</p>
      <Suspense fallback={<SkeletonList rows={3} />}>
        <UsageCharts days={days} />
      </Suspense>
      <div className="grid gap-6 xl:grid-cols-2">
        <Breakdown
          title={t("byModel.title")}
          nameHeader={t("byModel.name")}
          rows={report.byModel.map((m) => ({
            key: `${m.provider}:${m.model}`,
            name: m.provider === "builtin" ? t("builtin") : m.modelLabel,
            ...m,
          }))}
        />
        <Breakdown
          title={t("byAgent.title")}
          nameHeader={t("byAgent.name")}
          rows={report.byAgent.map((a) => ({
            key: a.agentId,
            name: a.agentName ?? t("byAgent.deleted"),
            ...a,
          }))}
        />
      </div>
    </div>
  );
}

type Row = {
  key: string;
  name: string;
  messages: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
};

/** A breakdown as a table (what screen readers read) with a bar per row for the eye. */
function Breakdown({ title, nameHeader, rows }: { title: string; nameHeader: string; rows: Row[] }) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const headingId = useId();
  const max = Math.max(0, ...rows.map((r) => r.messages));
  return (
    <Card className="grid content-start gap-3 p-4">
      <h2 id={headingId} className="font-semibold">
        {title}
      </h2>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls; keyboard users need to reach it */}
      <section className="overflow-x-auto" aria-labelledby={headingId} tabIndex={0}>
        <table className="w-full min-w-[32rem] text-sm">
          <thead className="text-left text-muted-foreground">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">
                {nameHeader}
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                {t("totals.replies")}
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                {t("totals.inputTokens")}
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                {t("totals.outputTokens")}
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                {t("totals.cost")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className="border-t align-top">
                <th scope="row" className="py-2 pr-3 text-left font-normal">
                  <span className="block break-words">{r.name}</span>
                  <span className="mt-1 block h-1.5 rounded-full bg-muted" aria-hidden>
                    <span
                      className="block h-full rounded-full bg-primary"
                      style={{ width: `${shareOfMax(r.messages, max)}%` }}
                    />
                  </span>
                </th>
                <td className="py-2 pr-3 text-right tabular-nums">{formatNumber(lang, r.messages)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{formatNumber(lang, r.inputTokens)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{formatNumber(lang, r.outputTokens)}</td>
                <td className="py-2 text-right tabular-nums">{formatUsd(lang, r.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Card>
  );
}
