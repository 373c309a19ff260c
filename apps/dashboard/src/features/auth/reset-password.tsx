import { useMutation } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { resetPassword } from "../../lib/session.ts";
import { AuthForm, AuthPanel, authLinkClass, BackToSignIn } from "./auth-form.tsx";
import { PASSWORD_POLICY_CODES, useFormErrors } from "./errors.ts";
import { PASSWORD_MAX, PASSWORD_MIN } from "./password.ts";

const route = getRouteApi("/auth/reset-password");
const FIELD_BY_CODE = Object.fromEntries(PASSWORD_POLICY_CODES.map((c) => [c, "newPassword"]));

/** Opened from the reset email: Better Auth redirects here with ?token= (or ?error=). */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const { token, error } = route.useSearch();
  const [password, setPassword] = useState("");
  const mutation = useMutation({
    mutationFn: () => resetPassword({ token: token ?? "", newPassword: password }),
  });
  const errors = useFormErrors(mutation.error, FIELD_BY_CODE);
  if (!token || error) {
    return (
      <AuthPanel title={t("auth.reset.title")}>
        <p role="alert" className="text-sm text-destructive">
          {t("auth.reset.invalid")}
        </p>
        <Link to="/forgot-password" className={authLinkClass}>
          {t("auth.reset.again")}
        </Link>
      </AuthPanel>
    );
  }
  if (mutation.isSuccess) {
    return (
      <AuthPanel title={t("auth.reset.title")}>
        <p role="status" className="text-sm">
          {t("auth.reset.done")}
        </p>
        <BackToSignIn />
      </AuthPanel>
    );
  }
  return (
    <AuthForm
      title={t("auth.reset.title")}
      error={errors.form}
      onSubmit={() => mutation.mutate()}
      submitLabel={t("auth.reset.submit")}
      pending={mutation.isPending}
      footer={<BackToSignIn />}
    >
      <Field
        label={t("auth.reset.newPassword")}
        hint={t("auth.signUp.passwordHint", { min: PASSWORD_MIN })}
        error={errors.field("newPassword")}
      >
        <Input
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          maxLength={PASSWORD_MAX}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
    </AuthForm>
  );
}
