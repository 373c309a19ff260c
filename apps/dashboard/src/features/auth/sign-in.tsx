import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { ApiError } from "../../lib/api.ts";
import { signInWithPassword } from "./auth-api.ts";
import { AuthForm, authLinkClass } from "./auth-form.tsx";

const route = getRouteApi("/auth/sign-in");

export function SignInPage() {
  const { t } = useTranslation();
  const { redirect } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const mutation = useMutation({
    mutationFn: () => signInWithPassword({ email, password }),
    onSuccess: async (res) => {
      // With two-factor on, the password only opens the challenge; the session comes after it.
      if (res.twoFactorRedirect) return navigate({ to: "/two-factor", search: { redirect } });
      await queryClient.resetQueries();
      await navigate({ to: redirect ?? "/" });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.code === "EMAIL_NOT_VERIFIED")
        void navigate({ to: "/verify-email", search: { email } });
    },
  });
  return (
    <AuthForm
      title={t("auth.signIn.title")}
      error={mutation.error}
      onSubmit={() => mutation.mutate()}
      submitLabel={t("auth.signIn.submit")}
      pendingLabel={t("auth.signIn.submitting")}
      pending={mutation.isPending}
      footer={
        <div className="flex flex-wrap justify-between gap-2 text-sm">
          <Link to="/forgot-password" className={authLinkClass}>
            {t("auth.signIn.forgot")}
          </Link>
          <span>
            {t("auth.signIn.noAccount")}{" "}
            <Link to="/sign-up" className={authLinkClass}>
              {t("auth.signIn.signUpLink")}
            </Link>
          </span>
        </div>
      }
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
      <Field label={t("auth.password")}>
        <Input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
    </AuthForm>
  );
}
