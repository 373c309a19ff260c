import { useMutation } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { MailCheck } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { sendVerificationEmail } from "../../lib/session.ts";
import { FormError } from "./form-error.tsx";
import { LocalOutboxEmail } from "./local-outbox.tsx";

const route = getRouteApi("/auth/verify-email");

/** Shown after sign-up (and when a sign-in needs a verified address). */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const { email } = route.useSearch();
  const resend = useMutation({ mutationFn: () => sendVerificationEmail(email ?? "") });
  return (
    <div className="grid gap-4">
      <MailCheck className="size-8 text-primary" aria-hidden />
      <h1 className="text-xl font-semibold">{t("auth.verify.title")}</h1>
      <p className="text-sm">{email ? t("auth.verify.body", { email }) : t("auth.verify.bodyNoEmail")}</p>
      <p className="text-sm text-muted-foreground">{t("auth.verify.outboxHint")}</p>
      {email && <LocalOutboxEmail email={email} />}
      <FormError error={resend.error} />
      {resend.isSuccess && (
        <p role="status" className="text-sm">
          {t("auth.verify.resent")}
        </p>
      )}
      {email && (
        <Button variant="outline" disabled={resend.isPending} onClick={() => resend.mutate()}>
          {t("auth.verify.resend")}
        </Button>
      )}
      <Button asChild>
        <Link to="/">{t("auth.verify.continue")}</Link>
      </Button>
    </div>
  );
}
