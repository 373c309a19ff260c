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
import { NS } from "./i18n.ts";
import { PasswordCard } from "./password-card.tsx";
import { ProfileCard } from "./profile-card.tsx";
import { SessionsCard } from "./sessions-card.tsx";
import { TwoFactorCard } from "./two-factor-card.tsx";

export function SettingsPage() {
  const { t } = useTranslation(NS);
  const [theme, setThemeState] = useState<Theme>(getTheme);
  const locale = useMutation({ mutationFn: saveLocale });
  return (
    <div className="grid max-w-2xl gap-6">
      <PageHeader title={t("settings.title")} />
      <ProfileCard />
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
      <section aria-labelledby="settings-security" className="grid gap-6">
        <div className="grid gap-1">
          <h2 id="settings-security" className="text-lg font-semibold">
            {t("security.title")}
          </h2>
          <p className="text-sm text-muted-foreground">{t("security.body")}</p>
        </div>
        <PasswordCard />
        <TwoFactorCard />
        <SessionsCard />
      </section>
    </div>
  );
}
