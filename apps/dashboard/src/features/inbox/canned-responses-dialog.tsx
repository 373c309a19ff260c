import { ZCreateCannedResponse } from "@minichat/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Trash2 } from "lucide-react";
import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Textarea } from "../../components/ui/input.tsx";
import { EmptyState, ErrorState, SkeletonList, useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { ApiError } from "../../lib/api.ts";
import { NS } from "./i18n.ts";
import {
  cannedQuery,
  createCanned,
  deleteCanned,
  inboxKeys,
  type TCannedResponse,
  updateCanned,
} from "./inbox-api.ts";

// Saved replies: listed, created, changed and deleted here; offered in the composer after `/`.

type Draft = { shortcut: string; title: string; body: string };
type FieldName = keyof Draft;
const FIELDS: FieldName[] = ["shortcut", "title", "body"];

export function CannedResponsesDialog(props: {
  workspaceId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { t } = useTranslation(NS);
  const qc = useQueryClient();
  const confirm = useConfirm();
  const errorMessage = useErrorMessage();
  const list = useQuery({ ...cannedQuery(props.workspaceId), enabled: props.open });
  const [editing, setEditingState] = useState<TCannedResponse | "new" | null>(null);
  // Leaving the form puts focus back on "New saved reply" instead of losing it with the form.
  const newButton = useRef<HTMLButtonElement>(null);
  const setEditing = (next: TCannedResponse | "new" | null) => {
    setEditingState(next);
    if (next === null) requestAnimationFrame(() => newButton.current?.focus());
  };
  const key = inboxKeys.canned(props.workspaceId);

  const remove = useMutation({
    mutationFn: (c: TCannedResponse) => deleteCanned(props.workspaceId, c.id),
    onMutate: async (c) => {
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<TCannedResponse[]>(key);
      qc.setQueryData<TCannedResponse[]>(key, (d) => d?.filter((x) => x.id !== c.id));
      return before;
    },
    onError: (err, _c, before) => {
      qc.setQueryData(key, before);
      toast.error(errorMessage(err));
    },
    onSuccess: (_r, c) => toast.success(t("canned.deleted", { shortcut: c.shortcut })),
    onSettled: () => void qc.invalidateQueries({ queryKey: key }),
  });

  async function askDelete(c: TCannedResponse) {
    const ok = await confirm({
      title: t("canned.deleteTitle", { shortcut: c.shortcut }),
      body: t("canned.deleteBody"),
      confirmLabel: t("common.delete"),
      destructive: true,
    });
    if (ok) remove.mutate(c);
  }

  return (
    <Dialog
      open={props.open}
      onOpenChange={(open) => {
        props.onOpenChange(open);
        if (!open) setEditingState(null);
      }}
      title={t("canned.title")}
      description={t("canned.description")}
      className="max-w-2xl"
    >
      {editing ? (
        <CannedForm
          workspaceId={props.workspaceId}
          initial={editing === "new" ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : (
        <div className="grid gap-3">
          <div>
            <Button ref={newButton} size="sm" onClick={() => setEditing("new")}>
              <Plus aria-hidden />
              {t("canned.new")}
            </Button>
          </div>
          {list.isPending ? (
            <SkeletonList rows={2} />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : list.data.length === 0 ? (
            <EmptyState title={t("canned.emptyTitle")} body={t("canned.emptyBody")} />
          ) : (
            <ul className="grid gap-2">
              {list.data.map((c) => (
                <li key={c.id} className="flex items-start gap-2 rounded-md border p-3">
                  <div className="min-w-0 flex-1">
                    <p className="text-sm">
                      <span className="font-mono font-semibold">/{c.shortcut}</span>{" "}
                      <span className="text-muted-foreground">{c.title}</span>
                    </p>
                    <p className="line-clamp-2 text-sm whitespace-pre-wrap text-muted-foreground">{c.body}</p>
                  </div>
                  <Button
                    variant="ghost"
                    size="icon"
                    className="size-8"
                    aria-label={t("canned.editOne", { shortcut: c.shortcut })}
                    onClick={() => setEditing(c)}
                  >
                    <Pencil aria-hidden />
                  </Button>
                  <Button
                    variant="ghost"
                    size="icon"
                    className="size-8 text-destructive"
                    aria-label={t("canned.deleteOne", { shortcut: c.shortcut })}
                    onClick={() => void askDelete(c)}
                  >
                    <Trash2 aria-hidden />
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Dialog>
  );
}

function CannedForm(props: { workspaceId: string; initial: TCannedResponse | null; onDone: () => void }) {
  const { t } = useTranslation(NS);
  const qc = useQueryClient();
  const errorMessage = useErrorMessage();
  const [draft, setDraft] = useState<Draft>({
    shortcut: props.initial?.shortcut ?? "",
    title: props.initial?.title ?? "",
    body: props.initial?.body ?? "",
  });
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const fieldMessage = (f: FieldName) => t(`canned.errors.${f}`);

  const save = useMutation({
    mutationFn: (body: Draft) =>
      props.initial
        ? updateCanned(props.workspaceId, props.initial.id, body)
        : createCanned(props.workspaceId, body),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: inboxKeys.canned(props.workspaceId) });
      toast.success(t(props.initial ? "canned.updated" : "canned.created", { shortcut: c.shortcut }));
      props.onDone();
    },
    onError: (err) => {
      if (err instanceof ApiError && err.code === "ALREADY_EXISTS") {
        setErrors({ shortcut: t("canned.errors.taken", { shortcut: draft.shortcut.trim().toLowerCase() }) });
        return;
      }
      const byField = err instanceof ApiError ? err.fieldErrors() : {};
      const fields = FIELDS.filter((f) => byField[f]);
      if (fields.length) setErrors(Object.fromEntries(fields.map((f) => [f, fieldMessage(f)])));
      else toast.error(errorMessage(err));
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    // The server's own schema: the same rules, checked before the request.
    const parsed = ZCreateCannedResponse.safeParse(draft);
    if (!parsed.success) {
      const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
      setErrors(Object.fromEntries(FIELDS.filter((f) => bad.has(f)).map((f) => [f, fieldMessage(f)])));
      return;
    }
    setErrors({});
    save.mutate(draft);
  }

  const set = (f: FieldName) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [f]: e.target.value });
  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <h3 className="font-medium">{props.initial ? t("canned.editTitle") : t("canned.new")}</h3>
      <Field label={t("canned.shortcut")} hint={t("canned.shortcutHint")} error={errors.shortcut}>
        <Input value={draft.shortcut} onChange={set("shortcut")} placeholder="hours" autoComplete="off" />
      </Field>
      <Field label={t("canned.titleLabel")} error={errors.title}>
        <Input value={draft.title} onChange={set("title")} placeholder={t("canned.titlePlaceholder")} />
      </Field>
      <Field label={t("canned.body")} error={errors.body}>
        <Textarea
          value={draft.body}
          onChange={set("body")}
          rows={4}
          placeholder={t("canned.bodyPlaceholder")}
        />
      </Field>
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button type="button" variant="outline" onClick={props.onDone}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? t("common.saving") : t("common.save")}
        </Button>
      </div>
    </form>
  );
}
