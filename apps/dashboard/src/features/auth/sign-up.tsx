import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { signUp } from "../../lib/session.ts";
import { AuthForm, authLinkClass } from "./auth-form.tsx";
import { PASSWORD_POLICY_CODES, useFormErrors } from "./errors.ts";
import { PASSWORD_MAX, PASSWORD_MIN } from "./password.ts";

const FIELD_BY_CODE: Record<string, string> = {
  ...Object.fromEntries(PASSWORD_POLICY_CODES.map((c) => [c, "password"])),
  INVALID_EMAIL: "email",
};

export function SignUpPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: "", email: "", password: "" });
  const mutation = useMutation({
    mutationFn: () => signUp({ ...form, locale: i18n.language }),
    onSuccess: async (res) => {
      await queryClient.resetQueries();
      if (!res.user.emailVerified) {
        await navigate({ to: "/verify-email", search: { email: form.email } });
      } else {
        await navigate({ to: "/" });
      }
    },
  });
  const errors = useFormErrors(mutation.error, FIELD_BY_CODE);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <AuthForm
      title={t("auth.signUp.title")}
      subtitle={t("auth.signUp.subtitle")}
      error={errors.form}
      onSubmit={() => mutation.mutate()}
      submitLabel={t("auth.signUp.submit")}
      pendingLabel={t("common.saving")}
      pending={mutation.isPending}
      footer={
        <p className="text-sm">
          {t("auth.signUp.haveAccount")}{" "}
          <Link to="/sign-in" search={{ redirect: undefined }} className={authLinkClass}>
            {t("auth.signUp.signInLink")}
          </Link>
        </p>
      }
    >
      <Field label={t("auth.name")} error={errors.field("name")}>
        <Input autoComplete="name" required maxLength={100} value={form.name} onChange={set("name")} />
      </Field>
      <Field label={t("auth.email")} error={errors.field("email")}>
        <Input type="email" autoComplete="email" required value={form.email} onChange={set("email")} />
      </Field>
      <Field
        label={t("auth.password")}
        hint={t("auth.signUp.passwordHint", { min: PASSWORD_MIN })}
        error={errors.field("password")}
      >
        <Input
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          maxLength={PASSWORD_MAX}
          value={form.password}
          onChange={set("password")}
        />
      </Field>
    </AuthForm>
  );
}
