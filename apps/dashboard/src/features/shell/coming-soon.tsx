import { useLocation } from "@tanstack/react-router";
import { Construction } from "lucide-react";
import { useTranslation } from "react-i18next";
import { PageHeader } from "./page-header.tsx";

/** A section whose screen is not built yet: says so, and where its API is documented. */
export function ComingSoonPage() {
  const { t } = useTranslation();
  const section = useLocation({ select: (l) => l.pathname.split("/")[3] ?? "" });
  const title = t(`nav.${section}`);
  return (
    <>
      <PageHeader title={title} />
      <div className="flex flex-col items-center gap-3 rounded-lg border border-dashed p-10 text-center">
        <Construction className="size-8 text-muted-foreground" aria-hidden />
        <h2 className="text-lg font-semibold">{t("common.comingSoon")}</h2>
        <p className="max-w-md text-sm text-muted-foreground">
          {t("common.comingSoonBody", { feature: title })}
        </p>
        <a href="/api/docs" className="text-sm text-primary underline underline-offset-4 hover:decoration-2">
          {t("common.apiReference")}
        </a>
      </div>
    </>
  );
}
