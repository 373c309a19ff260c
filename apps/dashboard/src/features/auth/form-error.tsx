import { useErrorText } from "./errors.ts";

/** The form-level error, announced to screen readers as it appears. */
export function FormError({ error }: { error: unknown }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p role="alert" className="rounded-md border border-destructive/40 p-3 text-sm text-destructive">
      {text(error)}
    </p>
  );
}
