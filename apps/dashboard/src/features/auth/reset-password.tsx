import { useMutation } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { resetPassword } from "../../lib/session.ts";
import { FormError } from "./form-error.tsx";

const route = getRouteApi("/auth/reset-password");

/** Opened from the reset email: Better Auth redirects here with ?token= (or ?error=). */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const { token, error } = route.useSearch();
  const [password, setPassword] = useState("");
  const mutation = useMutation({
    mutationFn: () => resetPassword({ token: token ?? "", newPassword: password }),
  });
  const signInLink = (
    <Link
      to="/sign-in"
      search={{ redirect: undefined }}
      className="text-sm text-primary underline underline-offset-4 hover:decoration-2"
    >
      {t("auth.forgot.backToSignIn")}
    </Link>
  );
  if (!token || error) {
    return (
      <div className="grid gap-4">
        <h1 className="text-xl font-semibold">{t("auth.reset.title")}</h1>
        <p role="alert" className="text-sm text-destructive">
          {t("auth.reset.invalid")}
        </p>
        <Link
          to="/forgot-password"
          className="text-sm text-primary underline underline-offset-4 hover:decoration-2"
        >
          {t("auth.reset.again")}
        </Link>
      </div>
    );
  }
  if (mutation.isSuccess) {
    return (
      <div className="grid gap-4">
        <h1 className="text-xl font-semibold">{t("auth.reset.title")}</h1>
        <p role="status" className="text-sm">
          {t("auth.reset.done")}
        </p>
        {signInLink}
      </div>
    );
  }
  return (
    <form
      className="grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <h1 className="text-xl font-semibold">{t("auth.reset.title")}</h1>
      <FormError error={mutation.error} />
      <Field label={t("auth.reset.newPassword")} hint={t("auth.signUp.passwordHint", { min: 8 })}>
        <Input
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <Button type="submit" disabled={mutation.isPending}>
        {t("auth.reset.submit")}
      </Button>
      {signInLink}
    </form>
  );
}
