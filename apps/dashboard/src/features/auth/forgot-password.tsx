import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { requestPasswordReset } from "../../lib/session.ts";
import { AuthForm, AuthHeading, BackToSignIn } from "./auth-form.tsx";

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState("");
  const mutation = useMutation({ mutationFn: () => requestPasswordReset(email) });
  if (mutation.isSuccess) {
    return (
      <div className="grid gap-4">
        <AuthHeading title={t("auth.forgot.title")} subtitle={t("auth.forgot.body")} />
        <p role="status" className="text-sm">
          {t("auth.forgot.sent", { email })}
        </p>
        <BackToSignIn />
      </div>
    );
  }
  return (
    <AuthForm
      title={t("auth.forgot.title")}
      subtitle={t("auth.forgot.body")}
      error={mutation.error}
      onSubmit={() => mutation.mutate()}
      submitLabel={t("auth.forgot.submit")}
      pending={mutation.isPending}
      footer={<BackToSignIn />}
    >
      <Field label={t("auth.email")}>
        <Input
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </Field>
    </AuthForm>
  );
}
