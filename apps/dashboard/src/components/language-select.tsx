import { useTranslation } from "react-i18next";
import { isLanguage, LANGUAGES, rememberLanguage } from "../i18n/index.ts";
import { Select } from "./ui/input.tsx";

/** Language picker; each language is named in itself so anyone can find their own. */
export function LanguageSelect({ id, onChange }: { id?: string; onChange?: (lng: string) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Select
      id={id}
      aria-label={id ? undefined : t("settings.language")}
      value={i18n.language}
      className="w-auto"
      onChange={(e) => {
        if (!isLanguage(e.target.value)) return;
        rememberLanguage(e.target.value);
        onChange?.(e.target.value);
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
