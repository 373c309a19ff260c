import { type TLeadNote, ZCreateLeadNoteRequest } from "@minichat/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { MessagesSquare, Trash2 } from "lucide-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Textarea } from "../../components/ui/input.tsx";
import { ErrorState, Loading, useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { ApiError } from "../../lib/api.ts";
import { formatDateTime } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { LeadSource } from "./lead-source.tsx";
import { LeadStatusSelect } from "./lead-status.tsx";
import { addLeadNote, deleteLeadNote, leadListKey, leadQuery, type TLeadDetail } from "./leads-api.ts";
import { leadTitle } from "./leads-filter.ts";
import { useMoveLead } from "./use-move-lead.ts";

/** One lead in a dialog: contact, where it came from, its status, the team's notes. */
export function LeadDetail(props: {
  workspaceId: string;
  leadId: string | null;
  onClose: () => void;
  canEdit: boolean;
  canModerate: boolean;
  userId: string | undefined;
}) {
  const { t } = useTranslation(NS);
  const lead = useQuery({ ...leadQuery(props.workspaceId, props.leadId ?? ""), enabled: !!props.leadId });
  const title = lead.data ? (leadTitle(lead.data) ?? t("noName")) : t("detail.title");
  return (
    <Dialog
      open={props.leadId !== null}
      onOpenChange={(open) => !open && props.onClose()}
      title={title}
      className="max-w-2xl"
    >
      {lead.isPending ? (
        <Loading />
      ) : lead.isError ? (
        <ErrorState error={lead.error} onRetry={() => void lead.refetch()} />
      ) : (
        <LeadBody {...props} lead={lead.data} />
      )}
    </Dialog>
  );
}

function LeadBody(props: {
  workspaceId: string;
  lead: TLeadDetail;
  canEdit: boolean;
  canModerate: boolean;
  userId: string | undefined;
}) {
  const { t, i18n } = useTranslation(NS);
  const { lead, workspaceId } = props;
  const move = useMoveLead(workspaceId);
  const row = (label: string, value: React.ReactNode) => (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="break-words">{value}</dd>
    </div>
  );
  return (
    <div className="grid gap-5 text-sm">
      <dl className="grid gap-3 sm:grid-cols-2">
        {row(
          t("columns.email"),
          lead.contact.email ? (
            <a className="underline" href={`mailto:${lead.contact.email}`}>
              {lead.contact.email}
            </a>
          ) : (
            "—"
          ),
        )}
        {row(
          t("columns.phone"),
          lead.contact.phone ? (
            <a className="underline" href={`tel:${lead.contact.phone.replace(/[^\d+]/g, "")}`}>
              {lead.contact.phone}
            </a>
          ) : (
            "—"
          ),
        )}
        {row(t("columns.source"), <LeadSource lead={lead} />)}
        {row(t("columns.created"), formatDateTime(i18n.language, lead.createdAt))}
        {lead.visitorNote && (
          <div className="grid gap-0.5 sm:col-span-2">
            <dt className="text-xs text-muted-foreground">{t("detail.visitorNote")}</dt>
            <dd className="whitespace-pre-wrap break-words rounded-md bg-muted p-2">{lead.visitorNote}</dd>
          </div>
        )}
      </dl>
      <div className="flex flex-wrap items-end gap-3">
        {props.canEdit && (
          <Field label={t("detail.status")}>
            <LeadStatusSelect
              className="w-48"
              value={lead.status}
              onChange={(status) => move.mutate({ leadId: lead.id, status })}
            />
          </Field>
        )}
        {lead.conversationId ? (
          <Button variant="outline" asChild>
            <Link
              to="/w/$workspaceId/inbox/$conversationId"
              params={{ workspaceId, conversationId: lead.conversationId }}
            >
              <MessagesSquare aria-hidden />
              {t("detail.openConversation")}
            </Link>
          </Button>
        ) : (
          <p className="text-muted-foreground">{t("detail.noConversation")}</p>
        )}
      </div>
      <Notes {...props} />
    </div>
  );
}

function Notes(props: {
  workspaceId: string;
  lead: TLeadDetail;
  canEdit: boolean;
  canModerate: boolean;
  userId: string | undefined;
}) {
  const { t, i18n } = useTranslation(NS);
  const { lead, workspaceId } = props;
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const message = useErrorMessage();
  const [body, setBody] = useState("");
  const [issue, setIssue] = useState<string | undefined>();
  const detailKey = leadQuery(workspaceId, lead.id).queryKey;
  const refresh = () => queryClient.invalidateQueries({ queryKey: leadListKey(workspaceId) });
  const add = useMutation({
    mutationFn: (text: string) => addLeadNote(workspaceId, lead.id, text),
    onSuccess: (note) => {
      queryClient.setQueryData<TLeadDetail>(
        detailKey,
        (d) => d && { ...d, notes: [note, ...d.notes], latestNote: note },
      );
      setBody("");
      toast.success(t("notes.added"));
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (note: TLeadNote) => deleteLeadNote(workspaceId, lead.id, note.id),
    onSuccess: (_, note) => {
      queryClient.setQueryData<TLeadDetail>(
        detailKey,
        (d) => d && { ...d, notes: d.notes.filter((n) => n.id !== note.id) },
      );
      toast.success(t("notes.deleted"));
      void refresh();
    },
    onError: (error) => toast.error(message(error)),
  });
  const serverIssue = add.error instanceof ApiError ? add.error.fieldErrors().body : undefined;
  const formError = add.error && !serverIssue ? message(add.error) : undefined;

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = ZCreateLeadNoteRequest.safeParse({ body });
    if (!parsed.success) {
      setIssue(body.trim() ? t("notes.tooLong") : t("notes.empty"));
      return;
    }
    setIssue(undefined);
    add.mutate(parsed.data.body);
  }

  return (
    <section aria-labelledby="lead-notes" className="grid gap-3">
      <h3 id="lead-notes" className="font-semibold">
        {t("notes.title")}
      </h3>
      {props.canEdit && (
        <form className="grid gap-2" onSubmit={submit} noValidate>
          <Field label={t("notes.add")} error={issue ?? serverIssue ?? formError}>
            <Textarea
              rows={3}
              maxLength={5000}
              placeholder={t("notes.placeholder")}
              value={body}
              onChange={(e) => setBody(e.target.value)}
            />
          </Field>
          <div>
            <Button type="submit" size="sm" disabled={add.isPending}>
              {add.isPending ? t("common.saving") : t("notes.submit")}
            </Button>
          </div>
        </form>
      )}
      {lead.notes.length === 0 ? (
        <p className="text-muted-foreground">{t("notes.none")}</p>
      ) : (
        <ul className="grid gap-2">
          {lead.notes.map((n) => {
            const mine = !!n.author && n.author.id === props.userId;
            return (
              <li key={n.id} className="grid gap-1 rounded-md border p-3">
                <p className="whitespace-pre-wrap break-words">{n.body}</p>
                <div className="flex items-center justify-between gap-2 text-xs text-muted-foreground">
                  <span>
                    {t("notes.by", {
                      name: n.author?.name || t("notes.apiKey"),
                      date: formatDateTime(i18n.language, n.createdAt),
                    })}
                  </span>
                  {props.canEdit && (mine || props.canModerate) && (
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={t("notes.delete")}
                      disabled={remove.isPending}
                      onClick={async () => {
                        const ok = await confirm({
                          title: t("notes.deleteTitle"),
                          body: t("notes.deleteBody"),
                          confirmLabel: t("common.delete"),
                          destructive: true,
                        });
                        if (ok) remove.mutate(n);
                      }}
                    >
                      <Trash2 aria-hidden />
                    </Button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
