import { Copy, Download } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { NS } from "./i18n.ts";
import { backupCodesFile } from "./totp.ts";

/** Freshly made backup codes, shown once: copy them or download them as a text file. */
export function BackupCodes({
  codes,
  account,
  onDone,
}: {
  codes: string[];
  account: string;
  onDone: () => void;
}) {
  const { t } = useTranslation(NS);
  const text = backupCodesFile(codes, account, new Date().toISOString().slice(0, 10));
  return (
    <div className="grid gap-4">
      <div className="grid gap-1">
        <h3 className="font-semibold">{t("twoFactor.codes.title")}</h3>
        <p className="text-sm text-muted-foreground">{t("twoFactor.codes.body")}</p>
      </div>
      <ol
        aria-label={t("twoFactor.codes.title")}
        className="grid grid-cols-2 gap-2 rounded-md border bg-muted p-4 font-mono text-sm sm:grid-cols-3"
      >
        {codes.map((c) => (
          <li key={c} data-testid="backup-code">
            {c}
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <Button
          type="button"
          variant="outline"
          onClick={() => {
            navigator.clipboard.writeText(text).then(
              () => toast.success(t("common.copied")),
              () => toast.error(t("twoFactor.codes.copyFailed")),
            );
          }}
        >
          <Copy aria-hidden />
          {t("twoFactor.codes.copy")}
        </Button>
        <Button
          type="button"
          variant="outline"
          onClick={() => {
            const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
            const a = document.createElement("a");
            a.href = url;
            a.download = "minichat-backup-codes.txt";
            a.click();
            setTimeout(() => URL.revokeObjectURL(url), 1000);
          }}
        >
          <Download aria-hidden />
          {t("twoFactor.codes.download")}
        </Button>
        <Button type="button" onClick={onDone}>
          {t("twoFactor.codes.done")}
        </Button>
      </div>
    </div>
  );
}
