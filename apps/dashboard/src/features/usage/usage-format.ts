// Day labels of the usage report: its days are UTC dates, so they are formatted in UTC (a
// visitor west of Greenwich would otherwise see each day as the one before).

const cache = new Map<string, Intl.DateTimeFormat>();

export function formatDay(lang: string, day: string, style: "short" | "long" = "short"): string {
  const key = `${lang}:${style}`;
  let f = cache.get(key);
  if (!f) {
    f =
      style === "short"
        ? new Intl.DateTimeFormat(lang, { month: "short", day: "numeric", timeZone: "UTC" })
        : new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" });
    cache.set(key, f);
  }
  return f.format(new Date(`${day}T00:00:00Z`));
}
