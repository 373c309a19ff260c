import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Textarea } from "../../components/ui/input.tsx";
import { ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { formatDate, formatNumber } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { addSource, gapsQuery, resolveGap, sourcesQuery, type TGap } from "./knowledge-api.ts";
import { serverIssues, useKnowledgeError } from "./knowledge-errors.ts";
import { SourceFormError } from "./source-form-error.tsx";

/** Questions visitors asked that nothing in the knowledge answered, each answerable in place. */
export function KnowledgeGaps({
  workspaceId,
  agentId,
  readOnly = false,
}: {
  workspaceId: string;
  agentId: string;
  readOnly?: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const gaps = useQuery(gapsQuery(workspaceId, agentId));
  const qc = useQueryClient();
  const errorText = useKnowledgeError();
  const [answering, setAnswering] = useState<TGap | null>(null);
  const key = gapsQuery(workspaceId, agentId).queryKey;
  const dismiss = useMutation({
    mutationFn: (question: string) => resolveGap(workspaceId, agentId, question),
    onMutate: (question) => {
      const before = qc.getQueryData<TGap[]>(key);
      qc.setQueryData<TGap[]>(key, (l) => l?.filter((g) => g.question !== question));
      return before;
    },
    onSuccess: () => toast.success(t("gaps.dismissed")),
    onError: (err, _q, before) => {
      qc.setQueryData(key, before);
      toast.error(errorText(err));
    },
  });

  if (gaps.isPending) return <SkeletonList rows={2} />;
  if (gaps.isError) return <ErrorState error={gaps.error} onRetry={() => void gaps.refetch()} />;
  if (gaps.data.length === 0) return <p className="text-sm text-muted-foreground">{t("gaps.empty")}</p>;
  const lang = i18n.language;
  return (
    <>
      <ul className="grid gap-2">
        {gaps.data.map((g) => (
          <li key={g.question} className="flex flex-wrap items-center gap-3 rounded-md border p-3 text-sm">
            <div className="grid min-w-0 flex-1 gap-0.5">
              <span className="font-medium break-words">{g.question}</span>
              <span className="text-xs text-muted-foreground">
                {t("gaps.asked", { count: g.count, n: formatNumber(lang, g.count) })} ·{" "}
                {t("gaps.last", { date: formatDate(lang, g.lastAskedAt) })}
              </span>
            </div>
            {!readOnly && (
              <div className="flex gap-1">
                <Button size="sm" onClick={() => setAnswering(g)}>
                  {t("gaps.answer")}
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => dismiss.mutate(g.question)}
                  aria-label={t("gaps.dismissLabel", { question: g.question })}
                >
                  {t("gaps.dismiss")}
                </Button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {answering && (
        <AnswerDialog
          gap={answering}
          workspaceId={workspaceId}
          agentId={agentId}
          onClose={() => setAnswering(null)}
          onAnswered={() => {
            qc.setQueryData<TGap[]>(key, (l) => l?.filter((g) => g.question !== answering.question));
            void qc.invalidateQueries({ queryKey: sourcesQuery(workspaceId, agentId).queryKey });
            void qc.invalidateQueries({ queryKey: key });
            setAnswering(null);
          }}
        />
      )}
    </>
  );
}

/** Answering a gap adds a Q&A pair, then takes the question off the list. */
function AnswerDialog(props: {
  gap: TGap;
  workspaceId: string;
  agentId: string;
  onClose: () => void;
  onAnswered: () => void;
}) {
  const { t } = useTranslation(NS);
  const [question, setQuestion] = useState(props.gap.question);
  const [answer, setAnswer] = useState("");
  const [empty, setEmpty] = useState<Record<string, boolean>>({});
  const save = useMutation({
    mutationFn: async () => {
      await addSource(props.workspaceId, props.agentId, {
        type: "qa",
        name: question.trim().slice(0, 200),
        pairs: [{ question, answer }],
      });
      await resolveGap(props.workspaceId, props.agentId, props.gap.question).catch(() => undefined);
    },
    onSuccess: () => {
      toast.success(t("gaps.answered"));
      props.onAnswered();
    },
  });
  const server = serverIssues(save.error, t);

  function submit(e: FormEvent) {
    e.preventDefault();
    const missing = { question: !question.trim(), answer: !answer.trim() };
    setEmpty(missing);
    if (!missing.question && !missing.answer) save.mutate();
  }

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && props.onClose()}
      title={t("gaps.dialogTitle")}
      description={t("gaps.dialogBody")}
    >
      <form className="grid gap-4" onSubmit={submit} noValidate>
        <SourceFormError error={save.error} />
        <Field
          label={t("qa.question")}
          error={empty.question ? t("form.required") : server["pairs.0.question"]}
        >
          <Input value={question} onChange={(e) => setQuestion(e.target.value)} required />
        </Field>
        <Field label={t("qa.answer")} error={empty.answer ? t("form.required") : server["pairs.0.answer"]}>
          <Textarea rows={4} value={answer} onChange={(e) => setAnswer(e.target.value)} required />
        </Field>
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button type="button" variant="outline" onClick={props.onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? t("common.saving") : t("gaps.save")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
