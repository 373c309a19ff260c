import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { isLanguage, LANGUAGES, rememberLanguage } from "../i18n/index.ts";
import { saveLocale, sessionQuery } from "../lib/session.ts";
import { Select } from "./ui/input.tsx";

/**
 * Language picker; each language is named in itself so anyone can find their own. The choice is
 * kept in this browser and, once signed in, on the account (so emails follow): by `onChange` when
 * given (Settings shows the outcome), else quietly here.
 */
export function LanguageSelect({ id, onChange }: { id?: string; onChange?: (lng: string) => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  return (
    <Select
      id={id}
      aria-label={id ? undefined : t("settings.language")}
      value={i18n.language}
      className="w-auto"
      onChange={(e) => {
        if (!isLanguage(e.target.value)) return;
        rememberLanguage(e.target.value);
        if (onChange) onChange(e.target.value);
        else if (queryClient.getQueryData(sessionQuery.queryKey))
          void saveLocale(e.target.value).catch(() => undefined);
      }}
    >
      {LANGUAGES.map((l) => (
        <option key={l} value={l} lang={l}>
          {t(`languages.${l}`)}
        </option>
      ))}
    </Select>
  );
}
