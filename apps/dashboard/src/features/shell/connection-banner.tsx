import { WifiOff } from "lucide-react";
import { useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { connection } from "../../lib/connection.ts";

/** A calm banner while the server cannot be reached; it goes away by itself when it can. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const state = useSyncExternalStore(connection.subscribe, connection.get);
  return (
    <div role="status" aria-live="polite">
      {state === "lost" && (
        <div className="flex flex-wrap items-center justify-center gap-3 bg-amber-100 px-4 py-2 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100">
          <WifiOff className="size-4" aria-hidden />
          <span>{t("connection.lost")}</span>
          <Button
            size="sm"
            variant="outline"
            className="h-7 bg-transparent"
            onClick={() => connection.retry()}
          >
            {t("connection.retry")}
          </Button>
        </div>
      )}
    </div>
  );
}
