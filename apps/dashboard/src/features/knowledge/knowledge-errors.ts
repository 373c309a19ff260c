import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { useErrorMessage } from "../../components/ui/states.tsx";
import { ApiError } from "../../lib/api.ts";
import { NS } from "./i18n.ts";

/**
 * An error in the interface language: knowledge's own codes (a refused file, a duplicate, a
 * private URL) from this namespace, the rest as everywhere else.
 */
export function useKnowledgeError() {
  const { t, i18n } = useTranslation(NS);
  const shared = useErrorMessage();
  return (error: unknown): string => {
    const code = (error as { code?: string } | undefined)?.code;
    if (code && i18n.exists(`${NS}:problems.${code}`)) return t(`problems.${code}`);
    return shared(error);
  };
}

type Issue = { code?: string | undefined; path?: PropertyKey[] | string | undefined; minimum?: unknown };

/**
 * Field messages keyed by path ("text", "pairs.0.answer"), from our zod check or the server's
 * VALIDATION_FAILED details (same schemas, same paths), in the interface language.
 */
export function issuesByPath(issues: readonly Issue[], t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = Array.isArray(i.path) ? i.path.map(String).join(".") : (i.path ?? "");
    if (out[key]) continue;
    out[key] =
      i.code === "custom" || (i.code === "too_small" && Number(i.minimum) === 1)
        ? t("form.required")
        : i.code === "too_small"
          ? t("validation.tooSmall")
          : i.code === "too_big"
            ? t("validation.tooBig")
            : t("validation.invalid");
  }
  return out;
}

/** The server's field errors of a failed save, translated; empty for other errors. */
export function serverIssues(error: unknown, t: TFunction): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== "VALIDATION_FAILED" || !Array.isArray(error.details)) {
    return {};
  }
  return issuesByPath(error.details as Issue[], t);
}
