import type { TFunction } from "i18next";
import { ApiError } from "../../lib/api.ts";

// One shape for a problem with a field, whether zod found it in the browser or the server
// refused the save: `path` is dotted ("widget.color", "allowedOrigins.1"), as the server's
// VALIDATION_FAILED details name it. The text shown is translated from the field and the code,
// so a Thai owner does not read the schema's English.

export type FieldIssue = { path: string; code?: string | undefined; message?: string | undefined };

type ZodIssueLike = { code: string; path: readonly PropertyKey[]; message: string };

export function fromZod(issues: readonly ZodIssueLike[]): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), code: i.code, message: i.message }));
}

/** Field problems in a server error: schema details, or an AppError naming its `field`. */
export function fromServer(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError)) return [];
  // Only custom actions have a URL the server fetches; it refuses internal targets on save.
  if (error.code === "URL_NOT_ALLOWED") return [{ path: "url", code: error.code, message: error.message }];
  if (Array.isArray(error.details)) {
    return (error.details as { path?: string; code?: string; message?: string }[])
      .filter((d) => d.path)
      .map((d) => ({ path: d.path as string, code: d.code, message: d.message }));
  }
  const field = (error.details as { field?: unknown } | undefined)?.field;
  return typeof field === "string" ? [{ path: field, code: error.code, message: error.message }] : [];
}

/** Field kinds whose "not valid" deserves a specific hint (matched against the dotted path). */
const HINTS: [RegExp, string][] = [
  [/^allowedOrigins\.\d+$/, "editor.errors.origin"],
  [/^widget\.color$/, "editor.errors.color"],
  [/^(widget\.avatarUrl|url)$/, "editor.errors.url"],
  [/^headers(\.|$)/, "editor.errors.header"],
  [/^parameters(\.|$)/, "editor.errors.parameters"],
];

export function issueText(issue: FieldIssue, t: TFunction, form: "agent" | "action"): string {
  if (issue.code === "URL_NOT_ALLOWED") return t("editor.errors.urlNotAllowed");
  if (issue.code === "CONFLICT" && issue.path === "name") return t("editor.errors.actionNameTaken");
  if (issue.code === "too_small") return t("validation.tooSmall");
  if (issue.code === "too_big") return t("validation.tooBig");
  if (form === "action" && issue.path === "name") return t("editor.errors.actionName");
  if (issue.code === "VALIDATION_FAILED" && issue.path === "headers") return t("editor.errors.headersAgain");
  if (issue.code === "VALIDATION_FAILED" && issue.path === "model") return t("editor.errors.model");
  for (const [re, key] of HINTS) if (re.test(issue.path)) return t(key);
  return t("validation.invalid");
}

/** The first problem per field path, as text. */
export function messagesByPath(
  issues: readonly FieldIssue[],
  t: TFunction,
  form: "agent" | "action",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.path] ??= issueText(i, t, form);
  return out;
}
