// Dates, numbers and money in the interface language (Intl), never hand-formatted.

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

export function formatNumber(lang: string, n: number): string {
  return cached(`n:${lang}`, () => new Intl.NumberFormat(lang)).format(n);
}

/** Costs are tiny per answer: show enough decimals to see them (USD, as the price table). */
export function formatUsd(lang: string, n: number): string {
  const digits = n !== 0 && Math.abs(n) < 0.01 ? 6 : 2;
  return cached(
    `usd:${lang}:${digits}`,
    () =>
      new Intl.NumberFormat(lang, {
        style: "currency",
        currency: "USD",
        minimumFractionDigits: 2,
        maximumFractionDigits: digits,
      }),
  ).format(n);
}

export function formatMs(lang: string, ms: number): string {
  return cached(
    `ms:${lang}`,
    () => new Intl.NumberFormat(lang, { style: "unit", unit: "millisecond", unitDisplay: "short" }),
  ).format(ms);
}

export function formatDate(lang: string, iso: string): string {
  return cached(`d:${lang}`, () => new Intl.DateTimeFormat(lang, { dateStyle: "medium" })).format(
    new Date(iso),
  );
}

export function formatDateTime(lang: string, iso: string): string {
  return cached(
    `dt:${lang}`,
    () => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }),
  ).format(new Date(iso));
}
