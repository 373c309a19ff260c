import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { useFormErrors } from "../auth/errors.ts";
import { FormError } from "../auth/form-error.tsx";
import { NS } from "./i18n.ts";

/** Asks for the account password again before a change to how the account is protected. */
export function PasswordPrompt(props: {
  intro: string;
  submitLabel: string;
  destructive?: boolean;
  pending: boolean;
  error: unknown;
  onSubmit: (password: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation(NS);
  const [password, setPassword] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const errors = useFormErrors(props.error, { INVALID_PASSWORD: "password" });
  return (
    <form
      className="grid gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (!props.pending) props.onSubmit(password);
      }}
    >
      <p className="text-sm">{props.intro}</p>
      <FormError error={errors.form} />
      <Field label={t("security.confirmPassword")} error={errors.field("password")}>
        <Input
          ref={input}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button
          type="submit"
          variant={props.destructive ? "destructive" : "default"}
          disabled={props.pending}
        >
          {props.submitLabel}
        </Button>
        <Button type="button" variant="outline" onClick={props.onCancel}>
          {t("common.cancel")}
        </Button>
      </div>
    </form>
  );
}
