import type { TLead } from "@minichat/contracts";
import { useTranslation } from "react-i18next";
import { NS } from "./i18n.ts";
import { channelKey } from "./leads-filter.ts";

/** Which agent captured the lead, and on which channel: "Mia · Website widget". */
export function leadSource(l: Pick<TLead, "agent" | "channel">, t: (k: string) => string): string {
  const key = channelKey(l.channel);
  const channel = key ? t(key) : l.channel;
  return [l.agent?.name ?? t("deletedAgent"), channel].filter(Boolean).join(" · ");
}

export function LeadSource({ lead }: { lead: Pick<TLead, "agent" | "channel"> }) {
  const { t } = useTranslation(NS);
  return <>{leadSource(lead, t)}</>;
}
