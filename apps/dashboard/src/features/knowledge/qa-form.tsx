import { ZCreateSourceRequest } from "@minichat/contracts";
import { Plus, X } from "lucide-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Textarea } from "../../components/ui/input.tsx";
import { NS } from "./i18n.ts";
import { issuesByPath, serverIssues } from "./knowledge-errors.ts";
import { SourceFormError } from "./source-form-error.tsx";
import { useAddSource } from "./use-add-source.ts";

type Pair = { id: number; question: string; answer: string };
let nextId = 1;
const blank = (): Pair => ({ id: nextId++, question: "", answer: "" });

/** Question/answer pairs: each pair becomes one passage the agent can quote. */
export function QaForm({ workspaceId, agentId }: { workspaceId: string; agentId: string }) {
  const { t } = useTranslation(NS);
  const [name, setName] = useState("");
  const [pairs, setPairs] = useState<Pair[]>(() => [blank()]);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const add = useAddSource(workspaceId, agentId, () => {
    setName("");
    setPairs([blank()]);
  });
  const err = (k: string) => issues[k] ?? serverIssues(add.error, t)[k];
  const set = (id: number, patch: Partial<Pair>) =>
    setPairs((list) => list.map((p) => (p.id === id ? { ...p, ...patch } : p)));

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = {
      type: "qa" as const,
      // Unnamed, the source is called by its first question (clearer in any language than "Q&A").
      name: name.trim() || pairs[0]?.question.trim().slice(0, 200) || "",
      pairs: pairs.map(({ question, answer }) => ({ question, answer })),
    };
    const parsed = ZCreateSourceRequest.safeParse(body);
    setIssues(parsed.success ? {} : issuesByPath(parsed.error.issues, t));
    if (parsed.success) add.mutate(body);
  }

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      <SourceFormError error={add.error} />
      <Field label={t("qa.name")} hint={t("qa.nameHint")} error={name.trim() ? err("name") : undefined}>
        <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
      </Field>
      <ol className="grid gap-4">
        {pairs.map((p, i) => (
          <li key={p.id} className="grid gap-3 rounded-md border p-3">
            <div className="flex items-center justify-between gap-2">
              <span className="text-sm font-medium">{t("qa.pair", { n: i + 1 })}</span>
              {pairs.length > 1 && (
                <Button
                  type="button"
                  variant="ghost"
                  size="sm"
                  onClick={() => setPairs((list) => list.filter((x) => x.id !== p.id))}
                  aria-label={t("qa.removePair", { n: i + 1 })}
                >
                  <X aria-hidden />
                </Button>
              )}
            </div>
            <Field label={t("qa.question")} error={err(`pairs.${i}.question`)}>
              <Input value={p.question} onChange={(e) => set(p.id, { question: e.target.value })} required />
            </Field>
            <Field label={t("qa.answer")} error={err(`pairs.${i}.answer`)}>
              <Textarea
                rows={3}
                value={p.answer}
                onChange={(e) => set(p.id, { answer: e.target.value })}
                required
              />
            </Field>
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="outline" onClick={() => setPairs((list) => [...list, blank()])}>
          <Plus aria-hidden />
          {t("qa.addPair")}
        </Button>
        <Button type="submit" disabled={add.isPending}>
          {add.isPending ? t("common.saving") : t("qa.submit")}
        </Button>
      </div>
    </form>
  );
}
