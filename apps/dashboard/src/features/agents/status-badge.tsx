import { useTranslation } from "react-i18next";
import { cn } from "../../lib/cn.ts";

export function StatusBadge({ status }: { status: "draft" | "live" }) {
  const { t } = useTranslation();
  return (
    <span
      className={cn(
        "rounded-full border px-2 py-0.5 text-xs font-medium",
        status === "live"
          ? "border-green-700 text-green-800 dark:border-green-400 dark:text-green-300"
          : "text-muted-foreground",
      )}
    >
      {t(`agents.status.${status}`)}
    </span>
  );
}
