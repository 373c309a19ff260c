import type { TLeadStatus } from "@minichat/contracts";
import { LEAD_STATUSES } from "@minichat/contracts";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { Columns3, Download, Table2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Select } from "../../components/ui/input.tsx";
import { EmptyState, ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { sessionQuery, workspacesQuery } from "../../lib/session.ts";
import { agentsQuery } from "../agents/agents-api.ts";
import { PageHeader } from "../shell/page-header.tsx";
import { NS } from "./i18n.ts";
import { LeadDetail } from "./lead-detail.tsx";
import { exportUrl, leadsQuery } from "./leads-api.ts";
import { LeadsBoard } from "./leads-board.tsx";
import { hasFilters, type LeadFilters, NO_FILTERS, toApiFilter } from "./leads-filter.ts";
import { LeadsTable } from "./leads-table.tsx";
import { useDebounced } from "./use-debounced.ts";
import { useLiveLeads } from "./use-live-leads.ts";
import { useMoveLead } from "./use-move-lead.ts";

const route = getRouteApi("/signed-in/w/$workspaceId/leads");
type View = "table" | "pipeline";

export function LeadsPage() {
  const { t } = useTranslation(NS);
  const { workspaceId } = route.useParams();
  const [view, setView] = useState<View>("table");
  const [filters, setFilters] = useState<LeadFilters>(NO_FILTERS);
  const [openId, setOpenId] = useState<string | null>(null);
  const q = useDebounced(filters.q);
  // An impossible range is pointed out by the field rather than sent.
  const badRange = !!filters.from && !!filters.to && filters.from > filters.to;
  const effective = { ...filters, q, ...(badRange ? { from: "", to: "" } : {}) };
  // The pipeline shows every status as a column; the status filter narrows the table only.
  const filter = toApiFilter(view === "pipeline" ? { ...effective, status: "" } : effective);
  const leads = useInfiniteQuery(leadsQuery(workspaceId, filter));
  const agents = useQuery(agentsQuery(workspaceId));
  const session = useQuery(sessionQuery);
  const workspaces = useQuery(workspacesQuery);
  const role = workspaces.data?.find((w) => w.id === workspaceId)?.role;
  const canEdit = role !== "viewer";
  const canModerate = role === "owner" || role === "admin";
  const move = useMoveLead(workspaceId);
  useLiveLeads(workspaceId);
  const set = (k: keyof LeadFilters) => (e: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [k]: e.target.value }));
  const rows = leads.data?.pages.flatMap((p) => p.leads) ?? [];
  const filtered = hasFilters(filters);

  // The file holds what the screen shows: the same filters.
  const exportLink = (
    <Button variant="outline" asChild>
      <a href={exportUrl(workspaceId, filter)} download>
        <Download aria-hidden />
        {t("export")}
      </a>
    </Button>
  );

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} actions={exportLink} />
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <fieldset className="grid flex-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
          <legend className="sr-only">{t("filters.label")}</legend>
          <Field label={t("filters.search")}>
            <Input
              type="search"
              maxLength={200}
              placeholder={t("filters.searchPlaceholder")}
              value={filters.q}
              onChange={set("q")}
            />
          </Field>
          {view === "table" && (
            <Field label={t("filters.status")}>
              <Select value={filters.status} onChange={set("status")}>
                <option value="">{t("filters.allStatuses")}</option>
                {LEAD_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`status.${s}`)}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          <Field label={t("filters.agent")}>
            <Select value={filters.agentId} onChange={set("agentId")}>
              <option value="">{t("filters.allAgents")}</option>
              {(agents.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t("filters.from")}>
            <Input type="date" value={filters.from} max={filters.to || undefined} onChange={set("from")} />
          </Field>
          <Field label={t("filters.to")} error={badRange ? t("filters.badRange") : undefined}>
            <Input type="date" value={filters.to} min={filters.from || undefined} onChange={set("to")} />
          </Field>
        </fieldset>
        <div className="flex gap-2">
          {filtered && (
            <Button variant="ghost" onClick={() => setFilters(NO_FILTERS)}>
              {t("filters.clear")}
            </Button>
          )}
          <fieldset className="inline-flex rounded-md border p-0.5">
            <legend className="sr-only">{t("view.label")}</legend>
            {(["table", "pipeline"] as const).map((v) => (
              <Button
                key={v}
                size="sm"
                variant={view === v ? "default" : "ghost"}
                aria-pressed={view === v}
                onClick={() => setView(v)}
              >
                {v === "table" ? <Table2 aria-hidden /> : <Columns3 aria-hidden />}
                {t(`view.${v}`)}
              </Button>
            ))}
          </fieldset>
        </div>
      </div>

      {leads.isPending ? (
        <SkeletonList rows={4} />
      ) : leads.isError ? (
        <ErrorState error={leads.error} onRetry={() => void leads.refetch()} />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState
            title={t("noMatch.title")}
            body={t("noMatch.body")}
            action={
              <Button variant="outline" onClick={() => setFilters(NO_FILTERS)}>
                {t("filters.clear")}
              </Button>
            }
          />
        ) : (
          <EmptyState title={t("empty.title")} body={t("empty.body")} />
        )
      ) : view === "table" ? (
        <LeadsTable leads={rows} onOpen={setOpenId} />
      ) : (
        <LeadsBoard
          leads={rows}
          onOpen={setOpenId}
          readOnly={!canEdit}
          onMove={(leadId, status: TLeadStatus) => move.mutate({ leadId, status })}
        />
      )}
      {leads.hasNextPage && (
        <div className="mt-4 flex justify-center">
          <Button
            variant="outline"
            onClick={() => void leads.fetchNextPage()}
            disabled={leads.isFetchingNextPage}
          >
            {leads.isFetchingNextPage ? t("common.loading") : t("loadMore")}
          </Button>
        </div>
      )}
      <LeadDetail
        workspaceId={workspaceId}
        leadId={openId}
        onClose={() => setOpenId(null)}
        canEdit={canEdit}
        canModerate={canModerate}
        userId={session.data?.user.id}
      />
    </>
  );
}
