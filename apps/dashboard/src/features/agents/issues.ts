import type { TFunction } from "i18next";

type Issue = { code: string; path: PropertyKey[]; message: string };

/** zod issues as one translated message per top-level field (the first issue wins). */
export function issuesByField(issues: readonly Issue[], t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const field = String(i.path[0] ?? "");
    if (out[field]) continue;
    out[field] =
      i.code === "too_small"
        ? t("validation.tooSmall")
        : i.code === "too_big"
          ? t("validation.tooBig")
          : t("validation.invalid");
  }
  return out;
}
