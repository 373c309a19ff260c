import { ZCreateAgentRequest } from "@minichat/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Textarea } from "../../components/ui/input.tsx";
import { useErrorMessage } from "../../components/ui/states.tsx";
import type { createAgent } from "./agents-api.ts";
import { type FieldIssue, fromServer, fromZod, messagesByPath } from "./field-errors.ts";
import { NS } from "./i18n.ts";

type Body = Parameters<typeof createAgent>[1];

/** The first step: a name and instructions; everything else is set in the editor after. */
export function CreateAgentForm(props: { pending: boolean; error: unknown; onSubmit: (body: Body) => void }) {
  const { t } = useTranslation(NS);
  const errorText = useErrorMessage();
  const [name, setName] = useState("");
  const [instructions, setInstructions] = useState("");
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const serverIssues = fromServer(props.error);
  const errors = messagesByPath([...issues, ...serverIssues], t, "agent");

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = { name, instructions };
    // The server's own schema: what passes here passes there.
    const parsed = ZCreateAgentRequest.safeParse(body);
    if (!parsed.success) {
      setIssues(fromZod(parsed.error.issues));
      return;
    }
    setIssues([]);
    props.onSubmit(body);
  }

  return (
    <form className="grid gap-5" onSubmit={submit} noValidate>
      {props.error && serverIssues.length === 0 ? (
        <p role="alert" className="rounded-md border border-destructive/40 p-3 text-sm text-destructive">
          {errorText(props.error)}
        </p>
      ) : null}
      <Field label={t("agents.form.name")} hint={t("editor.basics.nameHint")} error={errors.name}>
        <Input
          required
          maxLength={80}
          placeholder={t("agents.form.namePlaceholder")}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field
        label={t("agents.form.instructions")}
        hint={t("editor.basics.instructionsHint")}
        error={errors.instructions}
      >
        <Textarea
          rows={6}
          placeholder={t("agents.form.instructionsPlaceholder")}
          value={instructions}
          onChange={(e) => setInstructions(e.target.value)}
        />
      </Field>
      <div>
        <Button type="submit" disabled={props.pending}>
          {props.pending ? t("common.saving") : t("agents.form.create")}
        </Button>
      </div>
    </form>
  );
}
