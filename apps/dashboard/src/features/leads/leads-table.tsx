import type { TLead } from "@minichat/contracts";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { LeadSource } from "./lead-source.tsx";
import { LeadStatusBadge } from "./lead-status.tsx";
import { leadTitle } from "./leads-filter.ts";

/** The leads as a table; on a phone each row stacks into a card. The name opens the lead. */
export function LeadsTable({ leads, onOpen }: { leads: TLead[]; onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation(NS);
  const cell = "px-3 py-2 align-top md:table-cell";
  const label = "text-xs text-muted-foreground md:hidden";
  return (
    <div className="overflow-x-auto rounded-lg border">
      <table className="w-full text-sm">
        <caption className="sr-only">{t("table.caption")}</caption>
        <thead className="hidden bg-muted/50 text-left md:table-header-group">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              {t("columns.name")}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t("columns.email")}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t("columns.phone")}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t("columns.source")}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t("columns.status")}
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {t("columns.created")}
            </th>
          </tr>
        </thead>
        <tbody>
          {leads.map((l) => (
            <tr key={l.id} className="grid grid-cols-2 gap-x-3 border-t p-2 md:table-row md:p-0">
              <th scope="row" className={`col-span-2 text-left font-medium ${cell}`}>
                <button
                  type="button"
                  className="text-left text-primary underline-offset-4 hover:underline focus-visible:underline"
                  onClick={() => onOpen(l.id)}
                >
                  {leadTitle(l) ?? t("noName")}
                </button>
              </th>
              <td className={`break-all ${cell}`}>
                <span className={label}>{t("columns.email")}: </span>
                {l.contact.email ?? "—"}
              </td>
              <td className={cell}>
                <span className={label}>{t("columns.phone")}: </span>
                {l.contact.phone ?? "—"}
              </td>
              <td className={cell}>
                <span className={label}>{t("columns.source")}: </span>
                <LeadSource lead={l} />
              </td>
              <td className={cell}>
                <LeadStatusBadge status={l.status} />
              </td>
              <td className={`col-span-2 text-muted-foreground ${cell}`}>
                <span className={label}>{t("columns.created")}: </span>
                {formatDate(i18n.language, l.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
