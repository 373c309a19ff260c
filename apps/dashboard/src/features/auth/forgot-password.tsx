import { useMutation } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { requestPasswordReset } from "../../lib/session.ts";
import { FormError } from "./form-error.tsx";

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState("");
  const mutation = useMutation({ mutationFn: () => requestPasswordReset(email) });
  return (
    <form
      className="grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <div className="grid gap-1">
        <h1 className="text-xl font-semibold">{t("auth.forgot.title")}</h1>
        <p className="text-sm text-muted-foreground">{t("auth.forgot.body")}</p>
      </div>
      <FormError error={mutation.error} />
      {mutation.isSuccess ? (
        <p role="status" className="text-sm">
          {t("auth.forgot.sent", { email })}
        </p>
      ) : (
        <>
          <Field label={t("auth.email")}>
            <Input
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <Button type="submit" disabled={mutation.isPending}>
            {t("auth.forgot.submit")}
          </Button>
        </>
      )}
      <Link
        to="/sign-in"
        search={{ redirect: undefined }}
        className="text-sm text-primary underline underline-offset-4 hover:decoration-2"
      >
        {t("auth.forgot.backToSignIn")}
      </Link>
    </form>
  );
}
