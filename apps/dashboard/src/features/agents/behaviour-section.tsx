import { UNKNOWN_ANSWER_BEHAVIOURS } from "@minichat/contracts";
import { Plus, Trash2 } from "lucide-react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Textarea } from "../../components/ui/input.tsx";
import type { QuickAnswer } from "./agent-draft.ts";
import { ListEditor, Section, type SectionProps } from "./editor-ui.tsx";
import { NS } from "./i18n.ts";

const MAX_SUGGESTED = 10;
const MAX_QUICK = 100;

export function BehaviourSection({ draft, set, errors }: SectionProps) {
  const { t } = useTranslation(NS);
  return (
    <div className="grid gap-6">
      <Section
        title={t("editor.behaviour.greetingTitle")}
        description={t("editor.behaviour.greetingDescription")}
      >
        <Field
          label={t("agents.form.welcome")}
          hint={t("editor.behaviour.welcomeHint")}
          error={errors.welcomeMessage}
        >
          <Textarea
            rows={2}
            maxLength={1000}
            placeholder={t("editor.behaviour.welcomePlaceholder")}
            value={draft.welcomeMessage}
            onChange={(e) => set({ welcomeMessage: e.target.value })}
          />
        </Field>
        <ListEditor
          label={t("agents.form.suggested")}
          hint={t("editor.behaviour.suggestedHint")}
          items={draft.suggestedQuestions}
          onChange={(suggestedQuestions) => set({ suggestedQuestions })}
          addLabel={t("editor.behaviour.addQuestion")}
          placeholder={t("editor.behaviour.questionPlaceholder")}
          max={MAX_SUGGESTED}
          path="suggestedQuestions"
          errors={errors}
        />
      </Section>

      <Section title={t("agents.form.unknown")} description={t("editor.behaviour.unknownDescription")}>
        <fieldset className="grid gap-3">
          <legend className="sr-only">{t("agents.form.unknown")}</legend>
          {UNKNOWN_ANSWER_BEHAVIOURS.map((b) => (
            <label
              key={b}
              className="flex cursor-pointer items-start gap-3 rounded-md border p-3 has-[:checked]:border-primary has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring"
            >
              <input
                type="radio"
                name="unknownAnswerBehaviour"
                value={b}
                className="mt-0.5 size-4 accent-primary"
                checked={draft.unknownAnswerBehaviour === b}
                onChange={() => set({ unknownAnswerBehaviour: b })}
              />
              <span className="grid gap-1">
                <span className="text-sm font-medium">{t(`agents.form.unknownOptions.${b}`)}</span>
                <span className="text-xs text-muted-foreground">
                  {t(`editor.behaviour.unknownHints.${b}`)}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
      </Section>

      <QuickAnswers
        items={draft.quickAnswers}
        onChange={(quickAnswers) => set({ quickAnswers })}
        errors={errors}
      />
    </div>
  );
}

function QuickAnswers(props: {
  items: QuickAnswer[];
  onChange: (items: QuickAnswer[]) => void;
  errors: Record<string, string>;
}) {
  const { t } = useTranslation(NS);
  const { items, errors } = props;
  const added = useRef(false);
  const firstNew = useRef<HTMLInputElement>(null);
  const count = items.length;
  useEffect(() => {
    if (added.current && count > 0) firstNew.current?.focus();
    added.current = false;
  }, [count]);
  const update = (i: number, patch: Partial<QuickAnswer>) =>
    props.onChange(items.map((q, j) => (j === i ? { ...q, ...patch } : q)));

  return (
    <Section
      title={t("editor.behaviour.quickTitle")}
      description={t("editor.behaviour.quickDescription")}
      actions={
        <Button
          type="button"
          variant="outline"
          size="sm"
          disabled={items.length >= MAX_QUICK}
          onClick={() => {
            added.current = true;
            props.onChange([...items, { question: "", answer: "" }]);
          }}
        >
          <Plus aria-hidden />
          {t("editor.behaviour.addQuick")}
        </Button>
      }
    >
      {items.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t("editor.behaviour.quickEmpty")}</p>
      ) : (
        <ol className="grid gap-4">
          {items.map((q, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: pairs are edited in place, without ids
            <li key={i} className="grid gap-3 rounded-md border p-3">
              <div className="flex items-center justify-between gap-2">
                <span className="text-sm font-medium">{t("editor.behaviour.quickN", { n: i + 1 })}</span>
                <Button
                  type="button"
                  variant="ghost"
                  size="sm"
                  aria-label={t("editor.behaviour.removeQuick", { n: i + 1 })}
                  onClick={() => props.onChange(items.filter((_, j) => j !== i))}
                >
                  <Trash2 aria-hidden />
                  {t("common.delete")}
                </Button>
              </div>
              <Field label={t("editor.behaviour.quickQuestion")} error={errors[`quickAnswers.${i}.question`]}>
                <Input
                  ref={i === items.length - 1 ? firstNew : undefined}
                  maxLength={500}
                  value={q.question}
                  placeholder={t("editor.behaviour.quickQuestionPlaceholder")}
                  onChange={(e) => update(i, { question: e.target.value })}
                />
              </Field>
              <Field label={t("editor.behaviour.quickAnswer")} error={errors[`quickAnswers.${i}.answer`]}>
                <Textarea
                  rows={2}
                  maxLength={4000}
                  value={q.answer}
                  placeholder={t("editor.behaviour.quickAnswerPlaceholder")}
                  onChange={(e) => update(i, { answer: e.target.value })}
                />
              </Field>
            </li>
          ))}
        </ol>
      )}
      {errors.quickAnswers && <p className="text-sm text-destructive">{errors.quickAnswers}</p>}
    </Section>
  );
}
