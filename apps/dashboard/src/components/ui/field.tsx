import { cloneElement, type ReactElement, useId } from "react";
import { Label } from "./input.tsx";

/** A label, the control, a hint and an error, wired with ids so screen readers read them all. */
export function Field(props: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: ReactElement<{ id?: string; "aria-describedby"?: string; "aria-invalid"?: boolean }>;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{props.label}</Label>
      {cloneElement(props.children, {
        id,
        "aria-describedby": describedBy,
        "aria-invalid": props.error ? true : undefined,
      })}
      {props.hint && (
        <p id={hintId} className="text-xs text-muted-foreground">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={errorId} className="text-sm text-destructive">
          {props.error}
        </p>
      )}
    </div>
  );
}
