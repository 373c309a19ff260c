import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { Bot, Plus } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { EmptyState, ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { formatDate } from "../../lib/format.ts";
import { PageHeader } from "../shell/page-header.tsx";
import { useAgentAccess } from "./agent-access.ts";
import { agentsQuery } from "./agents-api.ts";
import { StatusBadge } from "./status-badge.tsx";

const route = getRouteApi("/signed-in/w/$workspaceId/agents");

export function AgentsPage() {
  const { t, i18n } = useTranslation();
  const { workspaceId } = route.useParams();
  const agents = useQuery(agentsQuery(workspaceId));
  const { canEdit } = useAgentAccess(workspaceId);
  const newButton = canEdit && (
    <Button asChild>
      <Link to="/w/$workspaceId/agents/new" params={{ workspaceId }}>
        <Plus aria-hidden />
        {t("agents.new")}
      </Link>
    </Button>
  );
  return (
    <>
      <PageHeader
        title={t("agents.title")}
        description={t("agents.description")}
        actions={newButton || undefined}
      />
      {agents.isPending ? (
        <SkeletonList />
      ) : agents.isError ? (
        <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />
      ) : agents.data.length === 0 ? (
        <EmptyState
          title={t("agents.empty.title")}
          body={t("agents.empty.body")}
          action={newButton || undefined}
        />
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
          {agents.data.map((a) => (
            <li key={a.id}>
              <Link
                to="/w/$workspaceId/agents/$agentId"
                params={{ workspaceId, agentId: a.id }}
                className="flex h-full flex-col gap-2 rounded-lg border bg-card p-4 shadow-sm hover:border-primary"
              >
                <span className="flex items-center justify-between gap-2">
                  <span className="flex min-w-0 items-center gap-2 font-medium">
                    <Bot className="size-4 shrink-0 text-primary" aria-hidden />
                    <span className="truncate">{a.name}</span>
                  </span>
                  <StatusBadge status={a.status} />
                </span>
                <span className="text-sm text-muted-foreground">
                  {a.provider === "builtin" ? t("agents.builtin") : a.modelLabel}
                </span>
                <span className="text-xs text-muted-foreground">
                  {t("agents.updated", { date: formatDate(i18n.language, a.updatedAt) })}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
