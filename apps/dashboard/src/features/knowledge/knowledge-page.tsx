import type { TAgent } from "@minichat/contracts";
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { Plus } from "lucide-react";
import { Tabs } from "radix-ui";
import { type ReactNode, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { Label, Select } from "../../components/ui/input.tsx";
import { EmptyState, ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { useAgentAccess } from "../agents/agent-access.ts";
import { agentsQuery } from "../agents/agents-api.ts";
import { PageHeader } from "../shell/page-header.tsx";
import { FileUpload } from "./file-upload.tsx";
import { NS } from "./i18n.ts";
import { sourcesQuery } from "./knowledge-api.ts";
import { KnowledgeGaps } from "./knowledge-gaps.tsx";
import { KnowledgeSearch } from "./knowledge-search.tsx";
import { KnowledgeSettings } from "./knowledge-settings.tsx";
import { QaForm } from "./qa-form.tsx";
import { SourceList } from "./source-list.tsx";
import { TextForm } from "./text-form.tsx";
import { WebsiteForm } from "./website-form.tsx";

const route = getRouteApi("/signed-in/w/$workspaceId/knowledge");
const lastAgentKey = (ws: string) => `minichat.knowledge.agent:${ws}`;

/** The agent whose knowledge is shown: the last one chosen here, else the first. */
function useChosenAgent(workspaceId: string, agents: TAgent[] | undefined) {
  const [chosen, setChosen] = useState(() => localStorage.getItem(lastAgentKey(workspaceId)));
  const agent = agents?.find((a) => a.id === chosen) ?? agents?.[0];
  const choose = (id: string) => {
    localStorage.setItem(lastAgentKey(workspaceId), id);
    setChosen(id);
  };
  return [agent, choose] as const;
}

export function KnowledgePage() {
  const { t } = useTranslation(NS);
  const { workspaceId } = route.useParams();
  const agents = useQuery(agentsQuery(workspaceId));
  const [agent, choose] = useChosenAgent(workspaceId, agents.data);
  const pickerId = useId();

  const picker = agents.data && agents.data.length > 0 && agent && (
    <div className="grid gap-1.5">
      <Label htmlFor={pickerId}>{t("agent")}</Label>
      <Select id={pickerId} value={agent.id} onChange={(e) => choose(e.target.value)} className="min-w-48">
        {agents.data.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </Select>
    </div>
  );

  return (
    <>
      <PageHeader title={t("nav.knowledge")} description={t("description")} actions={picker || undefined} />
      {agents.isPending ? (
        <SkeletonList />
      ) : agents.isError ? (
        <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />
      ) : !agent ? (
        <EmptyState
          title={t("noAgents.title")}
          body={t("noAgents.body")}
          action={
            <Button asChild>
              <Link to="/w/$workspaceId/agents/new" params={{ workspaceId }}>
                <Plus aria-hidden />
                {t("agents.new")}
              </Link>
            </Button>
          }
        />
      ) : (
        <AgentKnowledge key={agent.id} workspaceId={workspaceId} agent={agent} />
      )}
    </>
  );
}

function Section(props: { title: string; description?: string; children: ReactNode; className?: string }) {
  const id = useId();
  return (
    <Card className={props.className ?? "p-4 sm:p-6"}>
      <section aria-labelledby={id} className="grid gap-4">
        <div className="grid gap-1">
          <h2 id={id} className="text-lg font-semibold">
            {props.title}
          </h2>
          {props.description && <p className="text-sm text-muted-foreground">{props.description}</p>}
        </div>
        {props.children}
      </section>
    </Card>
  );
}

const tabClass =
  "rounded-md px-3 py-1.5 text-sm font-medium text-muted-foreground data-[state=active]:bg-background data-[state=active]:text-foreground data-[state=active]:shadow-sm";

function AgentKnowledge({ workspaceId, agent }: { workspaceId: string; agent: TAgent }) {
  const { t } = useTranslation(NS);
  const sources = useQuery(sourcesQuery(workspaceId, agent.id));
  const ids = { workspaceId, agentId: agent.id };
  const limits = sources.data?.limits;
  const { canEdit } = useAgentAccess(workspaceId);

  return (
    <div className="grid gap-6">
      {!canEdit && (
        <p role="note" className="rounded-lg border bg-muted/50 p-4 text-sm">
          {t("readOnly")}
        </p>
      )}
      {canEdit && (
        <Section title={t("add.title")} description={t("add.description", { agent: agent.name })}>
          {limits ? (
            <Tabs.Root defaultValue="files" className="grid gap-4">
              <Tabs.List
                aria-label={t("add.title")}
                className="flex w-fit max-w-full flex-wrap gap-1 rounded-lg bg-muted p-1"
              >
                {(["files", "website", "text", "qa"] as const).map((k) => (
                  <Tabs.Trigger key={k} value={k} className={tabClass}>
                    {t(`add.tabs.${k}`)}
                  </Tabs.Trigger>
                ))}
              </Tabs.List>
              <Tabs.Content value="files">
                <FileUpload
                  {...ids}
                  sources={sources.data?.sources ?? []}
                  maxFileBytes={limits.maxFileBytes}
                />
              </Tabs.Content>
              <Tabs.Content value="website">
                <WebsiteForm {...ids} maxCrawlPages={limits.maxCrawlPages} />
              </Tabs.Content>
              <Tabs.Content value="text">
                <TextForm {...ids} />
              </Tabs.Content>
              <Tabs.Content value="qa">
                <QaForm {...ids} />
              </Tabs.Content>
            </Tabs.Root>
          ) : sources.isError ? null : (
            <SkeletonList rows={1} />
          )}
        </Section>
      )}

      <Section title={t("sources.title")} description={t("sources.description")}>
        {sources.isPending ? (
          <SkeletonList />
        ) : sources.isError ? (
          <ErrorState error={sources.error} onRetry={() => void sources.refetch()} />
        ) : sources.data.sources.length === 0 ? (
          <EmptyState
            title={t("sources.emptyTitle")}
            body={t(canEdit ? "sources.emptyBody" : "sources.emptyBodyReadOnly")}
          />
        ) : (
          <SourceList {...ids} sources={sources.data.sources} readOnly={!canEdit} />
        )}
      </Section>

      <div className="grid gap-6 lg:grid-cols-2">
        <Section title={t("search.title")} description={t("search.description")}>
          <KnowledgeSearch {...ids} />
        </Section>
        <Section title={t("gaps.title")} description={t("gaps.description")}>
          <KnowledgeGaps {...ids} readOnly={!canEdit} />
        </Section>
      </div>

      <Section title={t("settings.title")}>
        <KnowledgeSettings workspaceId={workspaceId} readOnly={!canEdit} />
      </Section>
    </div>
  );
}
