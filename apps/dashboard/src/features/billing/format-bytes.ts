/** A size in the language's units (kB, MB, GB), counted in 1024s as the plan limits are set. */
export function formatBytes(lang: string, bytes: number): string {
  // From kilobytes up: "0 kB" reads better than "0 byte" for an empty store.
  const units = ["kilobyte", "megabyte", "gigabyte", "terabyte"] as const;
  let i = 0;
  let v = bytes / 1024;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return new Intl.NumberFormat(lang, {
    style: "unit",
    unit: units[i],
    unitDisplay: "short",
    maximumFractionDigits: v < 10 && v > 0 ? 1 : 0,
  }).format(v);
}
