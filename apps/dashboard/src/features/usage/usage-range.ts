// Date ranges of the usage report. The server counts UTC days (inclusive), so these do too.

export const PRESETS = ["7d", "30d", "90d", "month"] as const;
export type Preset = (typeof PRESETS)[number];

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The first and last UTC day of a preset, ending today. */
export function rangeOf(preset: Preset, now: Date = new Date()): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (preset === "month")
    return { from: iso(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), to: iso(today) };
  const days = preset === "7d" ? 7 : preset === "30d" ? 30 : 90;
  return { from: iso(today - (days - 1) * DAY), to: iso(today) };
}

export type DayTotals = {
  day: string;
  messages: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
};

/** One entry per day of the range (the report lists only days with answers): gaps are zero. */
export function everyDay(byDay: readonly DayTotals[], from: string, to: string): DayTotals[] {
  const known = new Map(byDay.map((d) => [d.day, d]));
  const out: DayTotals[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY) {
    const day = iso(t);
    out.push(known.get(day) ?? { day, messages: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
  }
  return out;
}

/** Share of the largest value, 0..100, for the bars drawn beside the breakdown tables. */
export function shareOfMax(value: number, max: number): number {
  return max > 0 ? Math.round((value / max) * 100) : 0;
}
