import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime, formatNumber } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import type { TInboxConversation } from "./inbox-api.ts";
import { browserName, safeHref, visitorDetails } from "./inbox-logic.ts";

/** Who the visitor is and where they came from: contact, page, language, browser, country. */
export function VisitorDetails({ c }: { c: TInboxConversation }) {
  const { t, i18n } = useTranslation(NS);
  const rows: [string, ReactNode][] = [];
  if (c.contact?.name) rows.push([t("details.name"), c.contact.name]);
  if (c.contact?.email)
    rows.push([
      t("details.email"),
      <a key="e" href={`mailto:${c.contact.email}`} className="break-all underline">
        {c.contact.email}
      </a>,
    ]);
  if (c.contact?.phone) rows.push([t("details.phone"), c.contact.phone]);
  for (const [key, value] of visitorDetails(c.visitor)) {
    const href = key === "pageUrl" || key === "referrer" ? safeHref(value) : undefined;
    const shown = key === "userAgent" ? browserName(value) : value;
    rows.push([
      t(`details.${key}`),
      href ? (
        <a key={key} href={href} target="_blank" rel="noopener noreferrer" className="break-all underline">
          {value}
        </a>
      ) : (
        <span key={key} className="break-all">
          {shown}
        </span>
      ),
    ]);
  }
  rows.push([t("details.agent"), c.agentName]);
  rows.push([t("details.started"), formatDateTime(i18n.language, c.createdAt)]);
  if (c.rating !== null)
    rows.push([t("details.rating"), t("details.stars", { n: formatNumber(i18n.language, c.rating) })]);
  return (
    <dl className="grid gap-2 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="grid gap-0.5">
          <dt className="text-xs text-muted-foreground">{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
