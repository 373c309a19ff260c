import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { signUp } from "../../lib/session.ts";
import { FormError } from "./form-error.tsx";

// Mirrors the server's policy (apps/server/src/modules/auth/password-policy.ts) for the hint;
// the server stays the judge and its answer is shown next to the form.
const PASSWORD_MIN = 8;

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
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <form
      className="grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <div className="grid gap-1">
        <h1 className="text-xl font-semibold">{t("auth.signUp.title")}</h1>
        <p className="text-sm text-muted-foreground">{t("auth.signUp.subtitle")}</p>
      </div>
      <FormError error={mutation.error} />
      <Field label={t("auth.name")}>
        <Input autoComplete="name" required maxLength={100} value={form.name} onChange={set("name")} />
      </Field>
      <Field label={t("auth.email")}>
        <Input type="email" autoComplete="email" required value={form.email} onChange={set("email")} />
      </Field>
      <Field label={t("auth.password")} hint={t("auth.signUp.passwordHint", { min: PASSWORD_MIN })}>
        <Input
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          value={form.password}
          onChange={set("password")}
        />
      </Field>
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? t("common.saving") : t("auth.signUp.submit")}
      </Button>
      <p className="text-sm">
        {t("auth.signUp.haveAccount")}{" "}
        <Link
          to="/sign-in"
          search={{ redirect: undefined }}
          className="text-primary underline underline-offset-4 hover:decoration-2"
        >
          {t("auth.signUp.signInLink")}
        </Link>
      </p>
    </form>
  );
}
