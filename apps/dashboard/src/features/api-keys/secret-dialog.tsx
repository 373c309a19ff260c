import { Check, Copy, TriangleAlert } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { toast } from "../../components/ui/toast.tsx";
import type { TCreatedApiKey } from "./api-keys-api.ts";
import { NS } from "./i18n.ts";

/** The new key's secret, shown this once: closing the dialog forgets it. */
export function SecretDialog({ created, onClose }: { created: TCreatedApiKey | null; onClose: () => void }) {
  const { t } = useTranslation(NS);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
      toast.success(t("secret.copied"));
    } catch {
      toast.error(t("secret.copyFailed"));
    }
  };
  return (
    <Dialog
      open={created !== null}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(false);
          onClose();
        }
      }}
      title={t("secret.title", { name: created?.name ?? "" })}
    >
      {created && (
        <div className="grid gap-4">
          <p className="flex gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
            <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
            {t("secret.warning")}
          </p>
          <div className="flex items-end gap-2">
            <div className="min-w-0 flex-1">
              <Field label={t("secret.label")}>
                <Input
                  readOnly
                  value={created.key}
                  className="font-mono"
                  onFocus={(e) => e.currentTarget.select()}
                />
              </Field>
            </div>
            <Button type="button" variant="outline" onClick={() => void copy()}>
              {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
              {copied ? t("common.copied") : t("common.copy")}
            </Button>
          </div>
          <div className="grid gap-1 text-sm">
            <p className="text-muted-foreground">{t("secret.tryIt")}</p>
            <pre className="whitespace-pre-wrap break-all rounded-md bg-muted p-3 text-xs">
              <code>{`curl ${location.origin}/v1/models \\\n  -H "Authorization: Bearer ${created.key}"`}</code>
            </pre>
          </div>
          <div className="flex justify-end">
            <Button
              type="button"
              onClick={() => {
                setCopied(false);
                onClose();
              }}
            >
              {t("secret.done")}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
