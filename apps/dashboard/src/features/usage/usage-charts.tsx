import { type ReactNode, useId } from "react";
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "../../components/ui/card.tsx";
import { formatNumber, formatUsd } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { formatDay } from "./usage-format.ts";
import type { DayTotals } from "./usage-range.ts";

// The per-day charts, in their own chunk with recharts. Each chart is a picture for the eye;
// the same numbers are in a table under it for screen readers and anyone who wants them exact.

type Series = { key: keyof DayTotals; label: string; color: string };

export function UsageCharts({ days }: { days: DayTotals[] }) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const num = (v: number) => formatNumber(lang, v);
  const usd = (v: number) => formatUsd(lang, v);
  return (
    <div className="grid gap-6 xl:grid-cols-3">
      <DayChart
        title={t("charts.replies")}
        days={days}
        series={[{ key: "messages", label: t("totals.replies"), color: "var(--primary)" }]}
        format={num}
      />
      <DayChart
        title={t("charts.tokens")}
        days={days}
        series={[
          { key: "inputTokens", label: t("totals.inputTokens"), color: "var(--primary)" },
          { key: "outputTokens", label: t("totals.outputTokens"), color: "oklch(0.65 0.15 200)" },
        ]}
        format={num}
      />
      <DayChart
        title={t("charts.cost")}
        days={days}
        series={[{ key: "costUsd", label: t("totals.cost"), color: "oklch(0.6 0.16 150)" }]}
        format={usd}
      />
    </div>
  );
}

function DayChart(props: {
  title: string;
  days: DayTotals[];
  series: Series[];
  format: (v: number) => string;
}) {
  const { t, i18n } = useTranslation(NS);
  const lang = i18n.language;
  const headingId = useId();
  const day = (d: string) => formatDay(lang, d);
  return (
    <Card className="grid content-start gap-3 p-4">
      <h2 id={headingId} className="font-semibold">
        {props.title}
      </h2>
      <figure className="grid gap-2" aria-labelledby={headingId}>
        <div className="h-56" role="img" aria-label={t("charts.imageLabel", { title: props.title })}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              data={props.days}
              accessibilityLayer={false}
              margin={{ top: 4, right: 4, bottom: 0, left: 0 }}
            >
              <CartesianGrid vertical={false} stroke="var(--border)" />
              <XAxis
                dataKey="day"
                tickFormatter={day}
                tick={{ fill: "var(--muted-foreground)", fontSize: 12 }}
                minTickGap={16}
              />
              <YAxis
                width={props.series[0]?.key === "costUsd" ? 84 : 56}
                tickFormatter={(v: number) => props.format(v)}
                tick={{ fill: "var(--muted-foreground)", fontSize: 12 }}
                allowDecimals={props.series[0]?.key === "costUsd"}
              />
              <Tooltip
                cursor={{ fill: "var(--muted)" }}
                labelFormatter={(d) => formatDay(lang, String(d), "long")}
                formatter={(v) => props.format(Number(v))}
                contentStyle={{ background: "var(--background)", borderColor: "var(--border)" }}
              />
              {props.series.map((s) => (
                <Bar
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  fill={s.color}
                  stackId="day"
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
        <figcaption>
          <DataTable summary={t("charts.showTable")}>
            <table className="w-full text-sm">
              <thead className="text-left text-muted-foreground">
                <tr>
                  <th scope="col" className="py-1 pr-3 font-medium">
                    {t("charts.day")}
                  </th>
                  {props.series.map((s) => (
                    <th key={s.key} scope="col" className="py-1 text-right font-medium">
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {props.days.map((d) => (
                  <tr key={d.day} className="border-t">
                    <th scope="row" className="py-1 pr-3 text-left font-normal">
                      {formatDay(lang, d.day, "long")}
                    </th>
                    {props.series.map((s) => (
                      <td key={s.key} className="py-1 text-right tabular-nums">
                        {props.format(Number(d[s.key]))}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </DataTable>
        </figcaption>
      </figure>
    </Card>
  );
}

function DataTable({ summary, children }: { summary: string; children: ReactNode }) {
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-primary underline-offset-4 hover:underline">{summary}</summary>
      <div className="mt-2">{children}</div>
    </details>
  );
}
