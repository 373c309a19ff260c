import { Plus, Trash2 } from "lucide-react";
import { type ReactNode, useEffect, useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Input } from "../../components/ui/input.tsx";
import { cn } from "../../lib/cn.ts";
import type { AgentDraft } from "./agent-draft.ts";
import { NS } from "./i18n.ts";

// Small building blocks the editor's sections share.

export type SectionProps = {
  draft: AgentDraft;
  set: (patch: Partial<AgentDraft>) => void;
  setWidget: (patch: Partial<AgentDraft["widget"]>) => void;
  /** Problems by dotted field path ("widget.color", "allowedOrigins.1"). */
  errors: Record<string, string>;
};

/** A titled group of fields (a card with an h2, so the page reads as an outline). */
export function Section(props: {
  title: string;
  description?: string;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className={cn("grid gap-5 rounded-lg border bg-card p-4 sm:p-6", props.className)}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="grid gap-1">
          <h2 id={id} className="text-base font-semibold">
            {props.title}
          </h2>
          {props.description && <p className="text-sm text-muted-foreground">{props.description}</p>}
        </div>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

/** A checkbox with its label and an optional explanation under it. */
export function CheckboxField(props: {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        className="mt-0.5 size-4 accent-primary"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      />
      <div className="grid gap-1">
        <label htmlFor={id} className="text-sm font-medium leading-none">
          {props.label}
        </label>
        {props.hint && (
          <p id={`${id}-hint`} className="text-xs text-muted-foreground">
            {props.hint}
          </p>
        )}
      </div>
    </div>
  );
}

/**
 * An editable list of short texts (suggested questions, allowed websites): one input per item,
 * a remove button each, and an add button. Errors are looked up as `${path}.${index}`.
 */
export function ListEditor(props: {
  label: string;
  hint?: string;
  items: string[];
  onChange: (items: string[]) => void;
  addLabel: string;
  placeholder?: string;
  max: number;
  path: string;
  errors: Record<string, string>;
  inputType?: "text" | "url";
}) {
  const { t } = useTranslation(NS);
  const id = useId();
  const listError = props.errors[props.path];
  // A new, empty row takes the focus, so a keyboard user can type into it at once.
  const added = useRef(false);
  const count = props.items.length;
  useEffect(() => {
    if (added.current) document.getElementById(`${id}-${count - 1}`)?.focus();
    added.current = false;
  }, [count, id]);
  const update = (i: number, v: string) => props.onChange(props.items.map((x, j) => (j === i ? v : x)));
  return (
    <fieldset className="grid gap-2" aria-describedby={props.hint ? `${id}-hint` : undefined}>
      <legend className="mb-1.5 text-sm font-medium">{props.label}</legend>
      {props.hint && (
        <p id={`${id}-hint`} className="-mt-1 text-xs text-muted-foreground">
          {props.hint}
        </p>
      )}
      {props.items.length > 0 && (
        <ul className="grid gap-2">
          {props.items.map((item, i) => {
            const error = props.errors[`${props.path}.${i}`];
            const inputId = `${id}-${i}`;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: items are plain strings, edited in place
              <li key={i} className="grid gap-1">
                <div className="flex items-center gap-2">
                  <Input
                    id={inputId}
                    type={props.inputType ?? "text"}
                    value={item}
                    placeholder={props.placeholder}
                    aria-label={t("editor.list.item", { label: props.label, n: i + 1 })}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${inputId}-error` : undefined}
                    onChange={(e) => update(i, e.target.value)}
                  />
                  <Button
                    type="button"
                    variant="ghost"
                    size="icon"
                    className="shrink-0"
                    aria-label={t("editor.list.remove", { label: props.label, n: i + 1 })}
                    onClick={() => props.onChange(props.items.filter((_, j) => j !== i))}
                  >
                    <Trash2 aria-hidden />
                  </Button>
                </div>
                {error && (
                  <p id={`${inputId}-error`} className="text-sm text-destructive">
                    {error}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {listError && <p className="text-sm text-destructive">{listError}</p>}
      <div>
        <Button
          type="button"
          variant="outline"
          size="sm"
          disabled={props.items.length >= props.max}
          onClick={() => {
            added.current = true;
            props.onChange([...props.items, ""]);
          }}
        >
          <Plus aria-hidden />
          {props.addLabel}
        </Button>
      </div>
    </fieldset>
  );
}

/** Shows its fields as they are, without letting them change (for roles that cannot save). */
export function ReadOnly({ when, children }: { when: boolean; children: ReactNode }) {
  if (!when) return children;
  return (
    <fieldset disabled className="m-0 grid min-w-0 gap-6 border-0 p-0">
      {children}
    </fieldset>
  );
}
