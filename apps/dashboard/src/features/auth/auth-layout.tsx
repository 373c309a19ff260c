import { Outlet } from "@tanstack/react-router";
import { MessagesSquare } from "lucide-react";
import { useTranslation } from "react-i18next";
import { LanguageSelect } from "../../components/language-select.tsx";

export function AuthLayout() {
  const { t } = useTranslation();
  return (
    <div className="flex min-h-dvh flex-col bg-muted">
      <header className="flex items-center justify-between p-4">
        <span className="flex items-center gap-2 font-semibold">
          <MessagesSquare className="size-6 text-primary" aria-hidden />
          {t("common.appName")}
        </span>
        <LanguageSelect />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-8 pb-16 sm:pt-16">
        <div className="w-full max-w-sm rounded-lg border bg-card p-6 shadow-sm">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
