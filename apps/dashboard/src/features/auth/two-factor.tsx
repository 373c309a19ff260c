import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { type SecondFactor, verifySecondFactor } from "./auth-api.ts";
import { AuthForm, authLinkClass, BackToSignIn } from "./auth-form.tsx";
import { useFormErrors } from "./errors.ts";
import { NS } from "./i18n.ts";

const route = getRouteApi("/auth/two-factor");

/** Codes that mean "this code is wrong": shown by the code field, the rest above the form. */
const FIELD_BY_CODE = { INVALID_CODE: "code", INVALID_BACKUP_CODE: "code" };

/** The second step of signing in with two-factor on: an authenticator code or a backup code. */
export function TwoFactorPage() {
  const { t } = useTranslation(NS);
  const { redirect } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [method, setMethod] = useState<SecondFactor["method"]>("totp");
  const [code, setCode] = useState("");
  const [trustDevice, setTrustDevice] = useState(false);
  const mutation = useMutation({
    mutationFn: () => verifySecondFactor({ method, code, trustDevice }),
    onSuccess: async () => {
      await queryClient.resetQueries();
      await navigate({ to: redirect ?? "/" });
    },
  });
  const errors = useFormErrors(mutation.error, FIELD_BY_CODE);
  const totp = method === "totp";
  return (
    <AuthForm
      title={t("twoFactor.title")}
      subtitle={totp ? t("twoFactor.body") : t("twoFactor.backupBody")}
      error={errors.form}
      onSubmit={() => mutation.mutate()}
      submitLabel={t("twoFactor.submit")}
      pendingLabel={t("twoFactor.submitting")}
      pending={mutation.isPending}
      footer={
        <div className="flex flex-wrap justify-between gap-2">
          <button
            type="button"
            className={authLinkClass}
            onClick={() => {
              setMethod(totp ? "backup" : "totp");
              setCode("");
              mutation.reset();
            }}
          >
            {totp ? t("twoFactor.useBackup") : t("twoFactor.useApp")}
          </button>
          <BackToSignIn redirect={redirect} />
        </div>
      }
    >
      <Field
        key={method}
        label={totp ? t("twoFactor.code") : t("twoFactor.backupCode")}
        hint={totp ? t("twoFactor.codeHint") : undefined}
        error={errors.field("code")}
      >
        <Input
          // The code is the only thing to fill in here (and focus follows a switch of method).
          autoFocus
          required
          autoComplete={totp ? "one-time-code" : "off"}
          inputMode={totp ? "numeric" : "text"}
          spellCheck={false}
          maxLength={totp ? 9 : 32}
          className="font-mono tracking-widest"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </Field>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-[var(--primary)]"
          checked={trustDevice}
          onChange={(e) => setTrustDevice(e.target.checked)}
        />
        <span>
          {t("twoFactor.trustDevice")}
          <span className="block text-xs text-muted-foreground">{t("twoFactor.trustDeviceHint")}</span>
        </span>
      </label>
    </AuthForm>
  );
}
