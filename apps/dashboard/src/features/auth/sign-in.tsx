import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { ApiError } from "../../lib/api.ts";
import { signIn } from "../../lib/session.ts";
import { FormError } from "./form-error.tsx";

const route = getRouteApi("/auth/sign-in");

export function SignInPage() {
  const { t } = useTranslation();
  const { redirect } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const mutation = useMutation({
    mutationFn: () => signIn({ email, password }),
    onSuccess: async () => {
      await queryClient.resetQueries();
      await navigate({ to: redirect ?? "/" });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.code === "EMAIL_NOT_VERIFIED")
        void navigate({ to: "/verify-email", search: { email } });
    },
  });
  return (
    <form
      className="grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        mutation.mutate();
      }}
    >
      <h1 className="text-xl font-semibold">{t("auth.signIn.title")}</h1>
      <FormError error={mutation.error} />
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
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? t("auth.signIn.submitting") : t("auth.signIn.submit")}
      </Button>
      <div className="flex flex-wrap justify-between gap-2 text-sm">
        <Link to="/forgot-password" className="text-primary underline underline-offset-4 hover:decoration-2">
          {t("auth.signIn.forgot")}
        </Link>
        <span>
          {t("auth.signIn.noAccount")}{" "}
          <Link to="/sign-up" className="text-primary underline underline-offset-4 hover:decoration-2">
            {t("auth.signIn.signUpLink")}
          </Link>
        </span>
      </div>
    </form>
  );
}
