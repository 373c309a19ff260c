import { ZCreateSourceRequest } from "@minichat/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Textarea } from "../../components/ui/input.tsx";
import { NS } from "./i18n.ts";
import { issuesByPath, serverIssues } from "./knowledge-errors.ts";
import { SourceFormError } from "./source-form-error.tsx";
import { useAddSource } from "./use-add-source.ts";

/** Pasted text: a title and the text (Markdown headings are kept as sections). */
export function TextForm({ workspaceId, agentId }: { workspaceId: string; agentId: string }) {
  const { t } = useTranslation(NS);
  const [name, setName] = useState("");
  const [text, setText] = useState("");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const add = useAddSource(workspaceId, agentId, () => {
    setName("");
    setText("");
  });
  const err = (k: string) => issues[k] ?? serverIssues(add.error, t)[k];

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = { type: "text" as const, name, text };
    const parsed = ZCreateSourceRequest.safeParse(body);
    setIssues(parsed.success ? {} : issuesByPath(parsed.error.issues, t));
    if (parsed.success) add.mutate(body);
  }

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      <SourceFormError error={add.error} />
      <Field label={t("text.name")} error={err("name")}>
        <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
      </Field>
      <Field label={t("text.body")} hint={t("text.bodyHint")} error={err("text")}>
        <Textarea rows={8} value={text} onChange={(e) => setText(e.target.value)} required />
      </Field>
      <div>
        <Button type="submit" disabled={add.isPending}>
          {add.isPending ? t("common.saving") : t("text.submit")}
        </Button>
      </div>
    </form>
  );
}
