import { useKnowledgeError } from "./knowledge-errors.ts";

/** A refused source's reason above its form; field problems are also shown by their fields. */
export function SourceFormError({ error }: { error: unknown }) {
  const message = useKnowledgeError();
  if (!error) return null;
  return (
    <p role="alert" className="rounded-md border border-destructive/40 p-3 text-sm text-destructive">
      {message(error)}
    </p>
  );
}
