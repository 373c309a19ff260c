import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Trash2, Webhook } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { EmptyState, ErrorState, SkeletonList, useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { formatNumber } from "../../lib/format.ts";
import { ActionDialog } from "./action-dialog.tsx";
import { actionsQuery, deleteAction, type TAction } from "./agents-api.ts";
import { Section } from "./editor-ui.tsx";
import { NS } from "./i18n.ts";

/** The agent's custom HTTP actions: each saved on its own, apart from the agent's Save. */
export function ActionsSection({
  workspaceId,
  agentId,
  readOnly = false,
}: {
  workspaceId: string;
  agentId: string;
  /** For roles that cannot change the agent: the list without add, edit or delete. */
  readOnly?: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const confirm = useConfirm();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const query = actionsQuery(workspaceId, agentId);
  const actions = useQuery(query);
  // null: closed; "new": adding; an action: editing it
  const [editing, setEditing] = useState<TAction | "new" | null>(null);

  const remove = useMutation({
    mutationFn: (a: TAction) => deleteAction(workspaceId, agentId, a.id),
    // Optimistic: the row goes at once and comes back if the server refuses.
    onMutate: async (a) => {
      await queryClient.cancelQueries(query);
      const before = queryClient.getQueryData(query.queryKey);
      queryClient.setQueryData(query.queryKey, (list) => list?.filter((x) => x.id !== a.id));
      return { before };
    },
    onError: (e, _a, ctx) => {
      queryClient.setQueryData(query.queryKey, ctx?.before);
      toast.error(errorText(e));
    },
    onSuccess: (_r, a) => toast.success(t("editor.actions.deleted", { name: a.name })),
    onSettled: () => void queryClient.invalidateQueries(query),
  });

  async function askDelete(a: TAction) {
    const ok = await confirm({
      title: t("editor.actions.deleteTitle", { name: a.name }),
      body: t("editor.actions.deleteBody"),
      confirmLabel: t("common.delete"),
      destructive: true,
    });
    if (ok) remove.mutate(a);
  }

  const addButton = readOnly ? undefined : (
    <Button type="button" onClick={() => setEditing("new")}>
      <Plus aria-hidden />
      {t("editor.actions.add")}
    </Button>
  );

  return (
    <Section
      title={t("editor.actions.title")}
      description={t("editor.actions.description")}
      actions={actions.data?.length ? addButton : undefined}
    >
      {actions.isPending ? (
        <SkeletonList rows={2} />
      ) : actions.isError ? (
        <ErrorState error={actions.error} onRetry={() => void actions.refetch()} />
      ) : actions.data.length === 0 ? (
        <EmptyState
          title={t("editor.actions.emptyTitle")}
          body={t("editor.actions.emptyBody")}
          action={addButton}
        />
      ) : (
        <ul className="grid gap-3">
          {actions.data.map((a) => (
            <li key={a.id} className="grid gap-2 rounded-md border p-4">
              <div className="flex flex-wrap items-start justify-between gap-2">
                <div className="grid min-w-0 gap-1">
                  <h3 className="flex items-center gap-2 font-mono text-sm font-semibold">
                    <Webhook className="size-4 shrink-0 text-primary" aria-hidden />
                    <span className="truncate">{a.name}</span>
                    {!a.enabled && <Badge>{t("editor.actions.off")}</Badge>}
                  </h3>
                  <p className="text-sm text-muted-foreground">{a.description}</p>
                </div>
                {!readOnly && (
                  <div className="flex gap-1">
                    <Button
                      type="button"
                      variant="ghost"
                      size="sm"
                      aria-label={t("editor.actions.editNamed", { name: a.name })}
                      onClick={() => setEditing(a)}
                    >
                      <Pencil aria-hidden />
                      {t("common.edit")}
                    </Button>
                    <Button
                      type="button"
                      variant="ghost"
                      size="sm"
                      aria-label={t("editor.actions.deleteNamed", { name: a.name })}
                      onClick={() => void askDelete(a)}
                    >
                      <Trash2 aria-hidden />
                      {t("common.delete")}
                    </Button>
                  </div>
                )}
              </div>
              <p className="font-mono text-xs break-all">
                <span className="font-semibold">{a.method}</span> {a.url}
              </p>
              <p className="text-xs text-muted-foreground">
                {t("editor.actions.summary", {
                  n: formatNumber(
                    i18n.language,
                    Object.keys((a.parameters.properties as object | undefined) ?? {}).length,
                  ),
                  seconds: formatNumber(i18n.language, a.timeoutMs / 1000),
                })}
                {a.headerNames.length > 0 &&
                  ` · ${t("editor.actions.headersSaved", { names: a.headerNames.join(", ") })}`}
              </p>
            </li>
          ))}
        </ul>
      )}
      {editing !== null && (
        <ActionDialog
          workspaceId={workspaceId}
          agentId={agentId}
          action={editing === "new" ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Section>
  );
}
