import type { TFunction } from "i18next";
import { Bot, CircleCheck, Code2, FlaskConical, Globe, Hand, Headset } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { NS } from "./i18n.ts";
import type { TInboxConversation } from "./inbox-api.ts";

// Small pieces shared by the list and the conversation: names, status and channel badges.

/** The visitor's name, else their email or phone, else "Visitor" and a short id. */
export function conversationName(c: TInboxConversation, t: TFunction): string {
  const contact = c.contact;
  return (
    contact?.name || contact?.email || contact?.phone || t("visitorShort", { ns: NS, id: c.id.slice(-4) })
  );
}

const statusTone = {
  ai: "info",
  waiting_human: "warning",
  human: "success",
  resolved: "neutral",
} as const;
const statusIcon = { ai: Bot, waiting_human: Hand, human: Headset, resolved: CircleCheck } as const;

export function StatusBadge({ status }: { status: TInboxConversation["status"] }) {
  const { t } = useTranslation(NS);
  const Icon = statusIcon[status];
  return (
    <Badge tone={statusTone[status]}>
      <Icon className="size-3" aria-hidden />
      {t(`status.${status}`)}
    </Badge>
  );
}

const channelIcon = { widget: Globe, api: Code2, test: FlaskConical } as const;

export function ChannelBadge({ channel }: { channel: string }) {
  const { t } = useTranslation(NS);
  const known = channel === "widget" || channel === "api" || channel === "test";
  const Icon = known ? channelIcon[channel] : Globe;
  return (
    <Badge>
      <Icon className="size-3" aria-hidden />
      {known ? t(`channel.${channel}`) : channel}
    </Badge>
  );
}
