import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { FormError } from "./form-error.tsx";

// The scaffolding the signed-out screens share: a heading (the page's h1), the form-level
// error, the fields, one submit button that says when it is busy, and links underneath.

export const authLinkClass = "text-sm text-primary underline underline-offset-4 hover:decoration-2";

export function AuthHeading({ title, subtitle }: { title: string; subtitle?: string | undefined }) {
  if (!subtitle) return <h1 className="text-xl font-semibold">{title}</h1>;
  return (
    <div className="grid gap-1">
      <h1 className="text-xl font-semibold">{title}</h1>
      <p className="text-sm text-muted-foreground">{subtitle}</p>
    </div>
  );
}

export function AuthForm(props: {
  title: string;
  subtitle?: string | undefined;
  /** Shown above the fields; errors that belong to a field go to that field instead. */
  error: unknown;
  onSubmit: () => void;
  submitLabel: string;
  pending: boolean;
  pendingLabel?: string | undefined;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <form
      className="grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (!props.pending) props.onSubmit();
      }}
    >
      <AuthHeading title={props.title} subtitle={props.subtitle} />
      <FormError error={props.error} />
      {props.children}
      <Button type="submit" disabled={props.pending}>
        {props.pending && props.pendingLabel ? props.pendingLabel : props.submitLabel}
      </Button>
      {props.footer}
    </form>
  );
}

/** A signed-out screen that is a message rather than a form (link sent, link expired, …). */
export function AuthPanel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="grid gap-4">
      <AuthHeading title={title} />
      {children}
    </div>
  );
}

export function BackToSignIn({ redirect }: { redirect?: string | undefined }) {
  const { t } = useTranslation();
  return (
    <Link to="/sign-in" search={{ redirect }} className={authLinkClass}>
      {t("auth.forgot.backToSignIn")}
    </Link>
  );
}
