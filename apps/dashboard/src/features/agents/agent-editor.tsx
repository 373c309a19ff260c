import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { ArrowLeft } from "lucide-react";
import { useTranslation } from "react-i18next";
import { ErrorState, Loading } from "../../components/ui/states.tsx";
import { PageHeader } from "../shell/page-header.tsx";
import { AgentForm } from "./agent-form.tsx";
import { agentQuery, createAgent, updateAgent } from "./agents-api.ts";
import { StatusBadge } from "./status-badge.tsx";
import { TestChat } from "./test-chat.tsx";

const newRoute = getRouteApi("/signed-in/w/$workspaceId/agents/new");
const editRoute = getRouteApi("/signed-in/w/$workspaceId/agents/$agentId");

function BackLink({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
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
  const { t } = useTranslation();
  const { workspaceId } = newRoute.useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: Parameters<typeof createAgent>[1]) => createAgent(workspaceId, body),
    onSuccess: async (agent) => {
      await queryClient.invalidateQueries({ queryKey: ["agents", workspaceId] });
      await navigate({ to: "/w/$workspaceId/agents/$agentId", params: { workspaceId, agentId: agent.id } });
    },
  });
  return (
    <div className="max-w-2xl">
      <BackLink workspaceId={workspaceId} />
      <PageHeader title={t("agents.form.createTitle")} description={t("agents.form.createBody")} />
      <AgentForm
        workspaceId={workspaceId}
        pending={create.isPending}
        error={create.error}
        onSubmit={(body) => create.mutate(body)}
      />
    </div>
  );
}

export function EditAgentPage() {
  const { workspaceId, agentId } = editRoute.useParams();
  const queryClient = useQueryClient();
  const agent = useQuery(agentQuery(workspaceId, agentId));
  const update = useMutation({
    mutationFn: (body: Parameters<typeof updateAgent>[2]) => updateAgent(workspaceId, agentId, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(agentQuery(workspaceId, agentId).queryKey, saved);
      void queryClient.invalidateQueries({ queryKey: ["agents", workspaceId], exact: true });
    },
  });
  if (agent.isPending) return <Loading />;
  if (agent.isError) return <ErrorState error={agent.error} onRetry={() => void agent.refetch()} />;
  return (
    <>
      <BackLink workspaceId={workspaceId} />
      <PageHeader title={agent.data.name} actions={<StatusBadge status={agent.data.status} />} />
      <div className="grid items-start gap-8 xl:grid-cols-[minmax(0,1fr)_26rem]">
        <AgentForm
          key={agent.data.id}
          workspaceId={workspaceId}
          agent={agent.data}
          pending={update.isPending}
          error={update.error}
          saved={update.isSuccess}
          onSubmit={(body) => update.mutate(body)}
        />
        <div className="xl:sticky xl:top-8">
          <TestChat workspaceId={workspaceId} agentId={agentId} />
        </div>
      </div>
    </>
  );
}
