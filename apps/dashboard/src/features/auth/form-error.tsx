import { useErrorMessage } from "../../components/ui/states.tsx";

/** The form-level error, announced to screen readers as it appears. */
export function FormError({ error }: { error: unknown }) {
  const message = useErrorMessage();
  if (!error) return null;
  return (
    <p role="alert" className="rounded-md border border-destructive/40 p-3 text-sm text-destructive">
      {message(error)}
    </p>
  );
}
