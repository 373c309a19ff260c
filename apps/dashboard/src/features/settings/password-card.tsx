import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { sessionQuery } from "../../lib/session.ts";
import { PASSWORD_POLICY_CODES, useFormErrors } from "../auth/errors.ts";
import { FormError } from "../auth/form-error.tsx";
import { PASSWORD_MAX, PASSWORD_MIN } from "../auth/password.ts";
import { changePassword } from "./account-api.ts";
import { NS } from "./i18n.ts";

const FIELD_BY_CODE: Record<string, string> = {
  INVALID_PASSWORD: "currentPassword",
  ...Object.fromEntries(PASSWORD_POLICY_CODES.map((c) => [c, "newPassword"])),
};
const EMPTY = { currentPassword: "", newPassword: "", revokeOtherSessions: true };

export function PasswordCard() {
  const { t } = useTranslation(NS);
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [same, setSame] = useState(false);
  const save = useMutation({
    mutationFn: () => changePassword(form),
    onSuccess: () => {
      setForm(EMPTY);
      void queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey });
      void queryClient.invalidateQueries({ queryKey: ["account", "sessions"] });
      toast.success(form.revokeOtherSessions ? t("password.savedSignedOut") : t("password.saved"));
    },
  });
  const errors = useFormErrors(save.error, FIELD_BY_CODE);
  const set = (k: "currentPassword" | "newPassword") => (e: { target: { value: string } }) => {
    setSame(false);
    setForm((f) => ({ ...f, [k]: e.target.value }));
  };
  return (
    <Card>
      <form
        className="grid gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (save.isPending) return;
          if (form.currentPassword === form.newPassword) return setSame(true);
          save.mutate();
        }}
      >
        <h2 className="text-base font-semibold">{t("password.title")}</h2>
        <FormError error={errors.form} />
        <Field label={t("password.current")} error={errors.field("currentPassword")}>
          <Input
            type="password"
            autoComplete="current-password"
            required
            maxLength={PASSWORD_MAX}
            value={form.currentPassword}
            onChange={set("currentPassword")}
          />
        </Field>
        <Field
          label={t("password.new")}
          hint={t("auth.signUp.passwordHint", { min: PASSWORD_MIN })}
          error={same ? t("password.same") : errors.field("newPassword")}
        >
          <Input
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN}
            maxLength={PASSWORD_MAX}
            value={form.newPassword}
            onChange={set("newPassword")}
          />
        </Field>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5 size-4 accent-[var(--primary)]"
            checked={form.revokeOtherSessions}
            onChange={(e) => setForm((f) => ({ ...f, revokeOtherSessions: e.target.checked }))}
          />
          {t("password.revokeOthers")}
        </label>
        <div>
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? t("common.saving") : t("password.submit")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
