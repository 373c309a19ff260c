import { type TAgent, ZUpdateAgentRequest } from "@minichat/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useBlocker, useNavigate } from "@tanstack/react-router";
import { ArrowLeft, Trash2 } from "lucide-react";
import { Tabs } from "radix-ui";
import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { ErrorState, SkeletonList, useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { PageHeader } from "../shell/page-header.tsx";
import { ActionsSection } from "./actions-section.tsx";
import { useAgentAccess } from "./agent-access.ts";
import { type AgentDraft, changedFields, TABS, type Tab, tabOf, toDraft } from "./agent-draft.ts";
import { CreateAgentForm } from "./agent-form.tsx";
import { agentQuery, createAgent, deleteAgent, updateAgent } from "./agents-api.ts";
import { BasicsSection } from "./basics-section.tsx";
import { BehaviourSection } from "./behaviour-section.tsx";
import { ReadOnly, Section } from "./editor-ui.tsx";
import { type FieldIssue, fromServer, fromZod, messagesByPath } from "./field-errors.ts";
import { NS } from "./i18n.ts";
import { ModelSection } from "./model-section.tsx";
import { StatusBadge } from "./status-badge.tsx";
import { TestChat } from "./test-chat.tsx";
import { WidgetSection } from "./widget-section.tsx";

const newRoute = getRouteApi("/signed-in/w/$workspaceId/agents/new");
const editRoute = getRouteApi("/signed-in/w/$workspaceId/agents/$agentId");
const FORM_ID = "agent-editor-form";

function BackLink({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation(NS);
  return (
    <Link
      to="/w/$workspaceId/agents"
      params={{ workspaceId }}
      className="mb-4 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
    >
      <ArrowLeft className="size-4" aria-hidden />
      {t("agents.title")}
    </Link>
  );
}

export function NewAgentPage() {
  const { t } = useTranslation(NS);
  const { workspaceId } = newRoute.useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: Parameters<typeof createAgent>[1]) => createAgent(workspaceId, body),
    onSuccess: async (agent) => {
      queryClient.setQueryData(agentQuery(workspaceId, agent.id).queryKey, agent);
      await queryClient.invalidateQueries({ queryKey: ["agents", workspaceId], exact: true });
      toast.success(t("editor.createdToast", { name: agent.name }));
      await navigate({ to: "/w/$workspaceId/agents/$agentId", params: { workspaceId, agentId: agent.id } });
    },
  });
  return (
    <div className="max-w-2xl">
      <BackLink workspaceId={workspaceId} />
      <PageHeader title={t("agents.form.createTitle")} description={t("agents.form.createBody")} />
      <CreateAgentForm
        pending={create.isPending}
        error={create.error}
        onSubmit={(body) => create.mutate(body)}
      />
    </div>
  );
}

export function EditAgentPage() {
  const { workspaceId, agentId } = editRoute.useParams();
  const agent = useQuery(agentQuery(workspaceId, agentId));
  if (agent.isPending) {
    return (
      <>
        <BackLink workspaceId={workspaceId} />
        <div className="mb-6 h-8 w-48 animate-pulse rounded bg-muted" />
        <SkeletonList rows={4} />
      </>
    );
  }
  if (agent.isError) return <ErrorState error={agent.error} onRetry={() => void agent.refetch()} />;
  return <AgentEditor key={agent.data.id} workspaceId={workspaceId} agent={agent.data} />;
}

function AgentEditor({ workspaceId, agent }: { workspaceId: string; agent: TAgent }) {
  const { t } = useTranslation(NS);
  const confirm = useConfirm();
  const errorText = useErrorMessage();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<AgentDraft>(() => toDraft(agent));
  const [tab, setTab] = useState<Tab>("basics");
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const leaving = useRef(false);
  const { canEdit, canTest } = useAgentAccess(workspaceId);

  const changes = changedFields(draft, agent);
  const dirty = Object.keys(changes).length > 0;
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  /** Shows the tab holding the first problem and puts the focus on its field. */
  function point(found: FieldIssue[]) {
    const first = found[0];
    if (!first) return;
    setTab(tabOf(first.path));
    requestAnimationFrame(() =>
      document.querySelector<HTMLElement>(`#${FORM_ID} [aria-invalid="true"]`)?.focus(),
    );
  }

  const update = useMutation({
    mutationFn: (body: Parameters<typeof updateAgent>[2]) => updateAgent(workspaceId, agent.id, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(agentQuery(workspaceId, agent.id).queryKey, saved);
      void queryClient.invalidateQueries({ queryKey: ["agents", workspaceId], exact: true });
      setDraft(toDraft(saved));
      toast.success(t("editor.savedToast"));
    },
    onError: (e) => point(fromServer(e)),
  });

  const remove = useMutation({
    mutationFn: () => deleteAgent(workspaceId, agent.id),
    onSuccess: async () => {
      leaving.current = true;
      queryClient.removeQueries({ queryKey: agentQuery(workspaceId, agent.id).queryKey });
      await queryClient.invalidateQueries({ queryKey: ["agents", workspaceId], exact: true });
      toast.success(t("editor.deletedToast", { name: agent.name }));
      await navigate({ to: "/w/$workspaceId/agents", params: { workspaceId } });
    },
    onError: (e) => toast.error(errorText(e)),
  });

  // Leaving with unsaved edits asks first (in-app navigation), or the browser does (tab close).
  useBlocker({
    shouldBlockFn: async () => {
      if (!dirtyRef.current || leaving.current) return false;
      const leave = await confirm({
        title: t("editor.leaveTitle"),
        body: t("editor.leaveBody"),
        confirmLabel: t("editor.leave"),
        destructive: true,
      });
      return !leave;
    },
    enableBeforeUnload: () => dirtyRef.current && !leaving.current,
  });

  function save(e?: FormEvent) {
    e?.preventDefault();
    if (!dirty) return;
    // The server's own schema: what passes here passes there.
    const parsed = ZUpdateAgentRequest.safeParse(changes);
    if (!parsed.success) {
      const found = fromZod(parsed.error.issues);
      setIssues(found);
      point(found);
      return;
    }
    setIssues([]);
    update.mutate(changes as Parameters<typeof updateAgent>[2]);
  }

  async function discard() {
    const ok = await confirm({
      title: t("editor.discardTitle"),
      body: t("editor.discardBody"),
      confirmLabel: t("editor.discard"),
      destructive: true,
    });
    if (!ok) return;
    setDraft(toDraft(agent));
    setIssues([]);
    update.reset();
  }

  async function askDelete() {
    const ok = await confirm({
      title: t("editor.delete.confirmTitle", { name: agent.name }),
      body: t("editor.delete.confirmBody"),
      confirmLabel: t("editor.delete.confirm"),
      destructive: true,
    });
    if (ok) remove.mutate();
  }

  const serverIssues = fromServer(update.error);
  const errors = messagesByPath([...issues, ...serverIssues], t, "agent");
  const errorTabs = new Set(Object.keys(errors).map(tabOf));
  const formError = update.error && serverIssues.length === 0 ? errorText(update.error) : null;
  const props = {
    draft,
    errors,
    set: (patch: Partial<AgentDraft>) => setDraft((d) => ({ ...d, ...patch })),
    setWidget: (patch: Partial<AgentDraft["widget"]>) =>
      setDraft((d) => ({ ...d, widget: { ...d.widget, ...patch } })),
  };

  return (
    <>
      <BackLink workspaceId={workspaceId} />
      <PageHeader title={agent.name} actions={<StatusBadge status={agent.status} />} />
      {!canEdit && (
        <p role="note" className="mb-6 rounded-lg border bg-muted/50 p-4 text-sm">
          {canTest ? t("editor.readOnlyTest") : t("editor.readOnly")}
        </p>
      )}
      <div className="grid items-start gap-8 xl:grid-cols-[minmax(0,1fr)_26rem]">
        <Tabs.Root value={tab} onValueChange={(v) => setTab(v as Tab)} className="grid min-w-0 gap-6">
          <Tabs.List
            aria-label={t("editor.sections")}
            className="flex flex-wrap gap-1 rounded-lg border bg-muted p-1"
          >
            {TABS.map((id) => (
              <Tabs.Trigger
                key={id}
                value={id}
                className="inline-flex shrink-0 items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap text-muted-foreground hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring data-[state=active]:bg-background data-[state=active]:text-foreground data-[state=active]:shadow-sm"
              >
                {t(`editor.tabs.${id}`)}
                {errorTabs.has(id) && (
                  <>
                    <span className="size-2 rounded-full bg-destructive" aria-hidden />
                    <span className="sr-only">{t("editor.tabHasErrors")}</span>
                  </>
                )}
              </Tabs.Trigger>
            ))}
          </Tabs.List>

          {formError && (
            <p role="alert" className="rounded-md border border-destructive/40 p-3 text-sm text-destructive">
              {formError}
            </p>
          )}

          <form id={FORM_ID} onSubmit={save} noValidate className="contents">
            <Tabs.Content value="basics" className="grid gap-6">
              <ReadOnly when={!canEdit}>
                <BasicsSection {...props} />
              </ReadOnly>
              {canEdit && (
                <Section title={t("editor.delete.title")} description={t("editor.delete.description")}>
                  <div>
                    <Button
                      type="button"
                      variant="destructive"
                      disabled={remove.isPending}
                      onClick={() => void askDelete()}
                    >
                      <Trash2 aria-hidden />
                      {t("editor.delete.button")}
                    </Button>
                  </div>
                </Section>
              )}
            </Tabs.Content>
            <Tabs.Content value="model">
              <ReadOnly when={!canEdit}>
                <ModelSection {...props} workspaceId={workspaceId} />
              </ReadOnly>
            </Tabs.Content>
            <Tabs.Content value="behaviour">
              <ReadOnly when={!canEdit}>
                <BehaviourSection {...props} />
              </ReadOnly>
            </Tabs.Content>
            <Tabs.Content value="widget">
              <WidgetSection
                {...props}
                workspaceId={workspaceId}
                agent={agent}
                dirty={dirty}
                readOnly={!canEdit}
              />
            </Tabs.Content>
          </form>
          <Tabs.Content value="actions">
            <ActionsSection workspaceId={workspaceId} agentId={agent.id} readOnly={!canEdit} />
          </Tabs.Content>

          {canEdit && (tab !== "actions" || dirty) && (
            <div className="sticky bottom-0 z-10 -mx-1 flex flex-wrap items-center gap-x-3 gap-y-2 border-t bg-background/95 px-1 py-3 backdrop-blur">
              <p role="status" className="mr-auto text-sm text-muted-foreground">
                {dirty ? t("editor.unsaved") : t("editor.allSaved")}
              </p>
              <div className="flex w-full flex-wrap gap-2 sm:w-auto">
                <Button
                  type="button"
                  variant="outline"
                  className="flex-1 sm:flex-none"
                  disabled={!dirty || update.isPending}
                  onClick={() => void discard()}
                >
                  {t("editor.discard")}
                </Button>
                <Button
                  type="submit"
                  form={FORM_ID}
                  className="flex-1 sm:flex-none"
                  disabled={!dirty || update.isPending}
                >
                  {update.isPending ? t("common.saving") : t("editor.save")}
                </Button>
              </div>
            </div>
          )}
        </Tabs.Root>
        {canTest && (
          <div className="xl:sticky xl:top-8">
            <TestChat workspaceId={workspaceId} agentId={agent.id} />
          </div>
        )}
      </div>
    </>
  );
}
