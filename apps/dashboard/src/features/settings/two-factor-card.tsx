import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy, ShieldCheck } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { sessionQuery } from "../../lib/session.ts";
import { useFormErrors } from "../auth/errors.ts";
import { FormError } from "../auth/form-error.tsx";
import {
  type AccountUser,
  confirmTwoFactor,
  disableTwoFactor,
  regenerateBackupCodes,
  startTwoFactor,
} from "./account-api.ts";
import { BackupCodes } from "./backup-codes.tsx";
import { NS } from "./i18n.ts";
import { PasswordPrompt } from "./password-prompt.tsx";
import { QrCode } from "./qr-code.tsx";
import { groupSecret, secretFromUri } from "./totp.ts";

type Step =
  | { kind: "idle" }
  | { kind: "password"; purpose: "enable" | "disable" | "regenerate" }
  | { kind: "scan"; totpURI: string; backupCodes: string[] }
  | { kind: "codes"; codes: string[] };

/**
 * Two-factor authentication with an authenticator app: turning it on (password → QR code →
 * first code → backup codes shown once), off (password, then a confirmation) and new backup codes.
 */
export function TwoFactorCard() {
  const { t } = useTranslation(NS);
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const session = useQuery(sessionQuery);
  const user = session.data?.user as AccountUser | undefined;
  const enabled = Boolean(user?.twoFactorEnabled);
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const title = useRef<HTMLHeadingElement>(null);
  // Back to the card's start: focus goes to its title, not lost with the step that closed.
  const idle = () => {
    setStep({ kind: "idle" });
    requestAnimationFrame(() => title.current?.focus());
  };
  // Turning two-factor on or off makes Better Auth replace the session (a new cookie).
  const refreshSession = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey }),
      queryClient.invalidateQueries({ queryKey: ["account", "sessions"] }),
    ]);

  const passwordStep = useMutation({
    mutationFn: async ({
      purpose,
      password,
    }: {
      purpose: "enable" | "disable" | "regenerate";
      password: string;
    }) => {
      if (purpose === "enable") {
        const res = await startTwoFactor(password);
        setStep({ kind: "scan", totpURI: res.totpURI, backupCodes: res.backupCodes });
        return;
      }
      const ok = await confirm(
        purpose === "disable"
          ? {
              title: t("twoFactor.disable.confirmTitle"),
              body: t("twoFactor.disable.confirmBody"),
              confirmLabel: t("twoFactor.disable.submit"),
              destructive: true,
            }
          : {
              title: t("twoFactor.regenerate.confirmTitle"),
              body: t("twoFactor.regenerate.confirmBody"),
              confirmLabel: t("twoFactor.regenerate.submit"),
              destructive: true,
            },
      );
      if (!ok) return;
      if (purpose === "disable") {
        await disableTwoFactor(password);
        await refreshSession();
        toast.success(t("twoFactor.disable.done"));
        idle();
      } else {
        const res = await regenerateBackupCodes(password);
        toast.success(t("twoFactor.regenerate.done"));
        setStep({ kind: "codes", codes: res.backupCodes });
      }
    },
  });

  const prompt = (purpose: "enable" | "disable" | "regenerate") => {
    passwordStep.reset();
    setStep({ kind: "password", purpose });
  };

  return (
    <Card className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2
          ref={title}
          tabIndex={-1}
          className="flex items-center gap-2 text-base font-semibold outline-none"
        >
          <ShieldCheck className="size-5 text-primary" aria-hidden />
          {t("twoFactor.title")}
        </h2>
        {user && (
          <Badge tone={enabled ? "success" : "neutral"}>
            {enabled ? t("twoFactor.on") : t("twoFactor.off")}
          </Badge>
        )}
      </div>
      <p className="text-sm text-muted-foreground">
        {enabled ? t("twoFactor.onBody") : t("twoFactor.offBody")}
      </p>

      {step.kind === "idle" &&
        user &&
        (enabled ? (
          <div className="flex flex-wrap gap-2">
            <Button variant="outline" onClick={() => prompt("regenerate")}>
              {t("twoFactor.regenerate.start")}
            </Button>
            <Button variant="outline" onClick={() => prompt("disable")}>
              {t("twoFactor.disable.start")}
            </Button>
          </div>
        ) : (
          <div>
            <Button onClick={() => prompt("enable")}>{t("twoFactor.enable.start")}</Button>
          </div>
        ))}

      {step.kind === "password" && (
        <PasswordPrompt
          intro={t(`twoFactor.${step.purpose}.passwordIntro`)}
          submitLabel={t(`twoFactor.${step.purpose}.${step.purpose === "enable" ? "continue" : "submit"}`)}
          destructive={step.purpose === "disable"}
          pending={passwordStep.isPending}
          error={passwordStep.error}
          onSubmit={(password) => passwordStep.mutate({ purpose: step.purpose, password })}
          onCancel={idle}
        />
      )}

      {step.kind === "scan" && (
        <ScanStep
          totpURI={step.totpURI}
          onCancel={idle}
          onEnabled={async () => {
            await refreshSession();
            toast.success(t("twoFactor.enable.done"));
            setStep({ kind: "codes", codes: step.backupCodes });
          }}
        />
      )}

      {step.kind === "codes" && <BackupCodes codes={step.codes} account={user?.email ?? ""} onDone={idle} />}
    </Card>
  );
}

function ScanStep({
  totpURI,
  onEnabled,
  onCancel,
}: {
  totpURI: string;
  onEnabled: () => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation(NS);
  const [code, setCode] = useState("");
  const secret = secretFromUri(totpURI);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const verify = useMutation({ mutationFn: () => confirmTwoFactor(code), onSuccess: onEnabled });
  const errors = useFormErrors(verify.error, { INVALID_CODE: "code" });
  return (
    <div className="grid gap-4">
      <div className="grid gap-1">
        <h3 ref={heading} tabIndex={-1} className="font-semibold outline-none">
          {t("twoFactor.enable.scanTitle")}
        </h3>
        <p className="text-sm text-muted-foreground">{t("twoFactor.enable.scanBody")}</p>
      </div>
      <QrCode value={totpURI} label={t("twoFactor.enable.qrLabel")} />
      <div className="grid gap-1">
        <p className="text-sm">{t("twoFactor.enable.manual")}</p>
        <div className="flex flex-wrap items-center gap-2">
          <code
            data-testid="totp-secret"
            className="rounded-md bg-muted px-2 py-1 font-mono text-sm break-all"
          >
            {groupSecret(secret)}
          </code>
          <Button
            type="button"
            variant="ghost"
            size="sm"
            onClick={() =>
              navigator.clipboard.writeText(secret).then(
                () => toast.success(t("common.copied")),
                () => toast.error(t("twoFactor.codes.copyFailed")),
              )
            }
          >
            <Copy aria-hidden />
            {t("twoFactor.enable.copyKey")}
          </Button>
        </div>
      </div>
      <form
        className="grid gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!verify.isPending) verify.mutate();
        }}
      >
        <FormError error={errors.form} />
        <Field
          label={t("twoFactor.enable.code")}
          hint={t("twoFactor.enable.codeHint")}
          error={errors.field("code")}
        >
          <Input
            required
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={9}
            spellCheck={false}
            className="max-w-48 font-mono tracking-widest"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </Field>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" disabled={verify.isPending}>
            {t("twoFactor.enable.submit")}
          </Button>
          <Button type="button" variant="outline" onClick={onCancel}>
            {t("common.cancel")}
          </Button>
        </div>
      </form>
    </div>
  );
}
