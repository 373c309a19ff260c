import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSelect } from "../../components/language-select.tsx";
import { Card } from "../../components/ui/card.tsx";
import { Label } from "../../components/ui/input.tsx";
import { saveLocale } from "../../lib/session.ts";
import { getTheme, setTheme, THEMES, type Theme } from "../../lib/theme.ts";
import { FormError } from "../auth/form-error.tsx";
import { PageHeader } from "../shell/page-header.tsx";

export function SettingsPage() {
  const { t } = useTranslation();
  const [theme, setThemeState] = useState<Theme>(getTheme);
  const locale = useMutation({ mutationFn: saveLocale });
  return (
    <div className="grid max-w-2xl gap-6">
      <PageHeader title={t("settings.title")} />
      <Card className="grid gap-3">
        <Label htmlFor="settings-language" className="text-base font-semibold">
          {t("settings.language")}
        </Label>
        <p className="text-sm text-muted-foreground">{t("settings.languageHint")}</p>
        <LanguageSelect id="settings-language" onChange={(lng) => locale.mutate(lng)} />
        <FormError error={locale.error} />
        {locale.isSuccess && (
          <p role="status" className="text-sm text-muted-foreground">
            {t("common.saved")}
          </p>
        )}
      </Card>
      <Card>
        <fieldset className="grid gap-3">
          <legend className="mb-3 text-base font-semibold">{t("settings.theme")}</legend>
          {THEMES.map((th) => (
            <label key={th} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="theme"
                value={th}
                checked={theme === th}
                className="size-4 accent-[var(--primary)]"
                onChange={() => {
                  setTheme(th);
                  setThemeState(th);
                }}
              />
              {t(`settings.themes.${th}`)}
            </label>
          ))}
        </fieldset>
      </Card>
    </div>
  );
}
