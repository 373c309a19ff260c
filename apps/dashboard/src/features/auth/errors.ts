import { useTranslation } from "react-i18next";
import { ApiError } from "../../lib/api.ts";
import { NS } from "./i18n.ts";

/** Codes that are about the new password's policy: shown by the new-password field. */
export const PASSWORD_POLICY_CODES = [
  "PASSWORD_TOO_SHORT",
  "PASSWORD_TOO_LONG",
  "PASSWORD_TOO_COMMON",
  "WEAK_PASSWORD",
] as const;

/**
 * The server's error in the interface language: the account namespace knows Better Auth's
 * account codes (wrong code, wrong password, …); other codes fall back to the shared `errors.*`.
 */
export function useErrorText() {
  const { t, i18n } = useTranslation(NS);
  return (error: unknown): string => {
    const e = error as { code?: string; message?: string } | undefined;
    if (e?.code && i18n.exists(`errors.${e.code}`, { ns: NS })) return t(`errors.${e.code}`);
    return e?.message || t("errors.generic");
  };
}

/**
 * Splits a server error between the fields it belongs to and the rest of the form: `byCode`
 * names the field for an error code; a VALIDATION_FAILED answer names its fields itself.
 */
export function useFormErrors(error: unknown, byCode: Record<string, string>) {
  const text = useErrorText();
  const fields: Record<string, string> = {};
  let form: unknown = error ?? null;
  if (error instanceof ApiError) {
    const field = byCode[error.code];
    if (field) {
      fields[field] = text(error);
      form = null;
    } else {
      const named = error.fieldErrors();
      if (Object.keys(named).length > 0) {
        Object.assign(fields, named);
        form = null;
      }
    }
  }
  return { form, field: (name: string): string | undefined => fields[name] };
}
