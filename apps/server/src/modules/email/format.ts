import type { Locale } from "./templates.ts";

// Money and dates as a reader of each language expects them. th-TH formats dates in the
// Buddhist calendar (2568 for 2025), which is what Thai readers use day to day.

const TAG: Record<Locale, string> = { en: "en-US", th: "th-TH", ru: "ru-RU" };

/**
 * `amountMinor` is in the currency's minor unit (cents, satang, kopecks); the number of
 * decimals comes from the currency itself, so 129000 THB is ฿1,290.00.
 */
export function formatMoney(locale: Locale, amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  let fmt: Intl.NumberFormat;
  try {
    fmt = new Intl.NumberFormat(TAG[locale], { style: "currency", currency: code });
  } catch {
    // Not an ISO 4217 code: still say how much, in the unit we were given.
    return `${(amountMinor / 100).toFixed(2)} ${code}`;
  }
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(amountMinor / 10 ** digits);
}

/**
 * A calendar date. Billing dates are instants; without the reader's time zone we show the UTC
 * date, which is the date the provider's own receipts show.
 */
export function formatDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(TAG[locale], { dateStyle: "long", timeZone: "UTC" }).format(date);
}

/** "1 day" / "3 days", "1 วัน", "1 день" / "3 дня" / "5 дней". */
export function formatDays(locale: Locale, n: number): string {
  if (locale === "th") return `${n} วัน`;
  if (locale === "ru") {
    const form = new Intl.PluralRules("ru-RU").select(n);
    return `${n} ${form === "one" ? "день" : form === "few" ? "дня" : "дней"}`;
  }
  return `${n} ${n === 1 ? "day" : "days"}`;
}

/** Whole numbers with the locale's grouping (2,000 / 2 000). */
export function formatCount(locale: Locale, n: number): string {
  return new Intl.NumberFormat(TAG[locale]).format(n);
}
