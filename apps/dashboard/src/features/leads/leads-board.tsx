import type { TLead, TLeadStatus } from "@minichat/contracts";
import { type DragEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { cn } from "../../lib/cn.ts";
import { formatDate, formatNumber } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { LeadSource } from "./lead-source.tsx";
import { LeadStatusBadge, LeadStatusSelect } from "./lead-status.tsx";
import { groupByStatus, leadTitle } from "./leads-filter.ts";

const DRAG_TYPE = "application/x-minichat-lead";

/**
 * The pipeline: a column per status. A card moves with its status select (keyboard, screen
 * readers, touch) or by dragging it onto another column (a shortcut for mouse users).
 */
export function LeadsBoard(props: {
  leads: TLead[];
  onOpen: (id: string) => void;
  onMove: (leadId: string, status: TLeadStatus) => void;
  readOnly: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const [over, setOver] = useState<TLeadStatus | null>(null);
  const drop = (status: TLeadStatus) => (e: DragEvent) => {
    e.preventDefault();
    setOver(null);
    const id = e.dataTransfer.getData(DRAG_TYPE);
    const lead = props.leads.find((l) => l.id === id);
    if (lead && lead.status !== status) props.onMove(id, status);
  };
  return (
    <div className="-mx-1 flex snap-x gap-3 overflow-x-auto px-1 pb-2">
      {groupByStatus(props.leads).map((col) => (
        <section
          key={col.status}
          aria-labelledby={`col-${col.status}`}
          className={cn(
            "flex w-64 shrink-0 snap-start flex-col gap-2 rounded-lg border bg-muted/40 p-2",
            over === col.status && "border-primary bg-accent",
          )}
          onDragOver={(e) => {
            if (props.readOnly || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
            e.preventDefault();
            setOver(col.status);
          }}
          onDragLeave={() => setOver((s) => (s === col.status ? null : s))}
          onDrop={drop(col.status)}
        >
          <h2
            id={`col-${col.status}`}
            className="flex items-center justify-between px-1 text-sm font-semibold"
          >
            <LeadStatusBadge status={col.status} />
            <span className="text-xs text-muted-foreground">
              {formatNumber(i18n.language, col.leads.length)}
            </span>
          </h2>
          <ul className="grid gap-2">
            {col.leads.map((l) => {
              const name = leadTitle(l) ?? t("noName");
              return (
                <li
                  key={l.id}
                  draggable={!props.readOnly}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_TYPE, l.id);
                    e.dataTransfer.effectAllowed = "move";
                  }}
                  className="grid gap-2 rounded-md border bg-card p-3 text-sm shadow-sm"
                  data-lead={l.id}
                >
                  <button
                    type="button"
                    className="truncate text-left font-medium text-primary underline-offset-4 hover:underline focus-visible:underline"
                    onClick={() => props.onOpen(l.id)}
                  >
                    {name}
                  </button>
                  {l.contact.email && l.contact.email !== name && (
                    <span className="truncate text-muted-foreground">{l.contact.email}</span>
                  )}
                  <span className="text-xs text-muted-foreground">
                    <LeadSource lead={l} /> · {formatDate(i18n.language, l.createdAt)}
                  </span>
                  {!props.readOnly && (
                    <LeadStatusSelect
                      aria-label={t("moveLabel", { name })}
                      className="h-8 py-1"
                      value={l.status}
                      onChange={(s) => props.onMove(l.id, s)}
                    />
                  )}
                </li>
              );
            })}
          </ul>
          {col.leads.length === 0 && (
            <p className="px-1 py-4 text-center text-xs text-muted-foreground">{t("board.emptyColumn")}</p>
          )}
        </section>
      ))}
    </div>
  );
}
