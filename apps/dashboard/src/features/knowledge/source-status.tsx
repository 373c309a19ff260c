import type { TSource } from "@minichat/contracts";
import { CheckCircle2, CircleAlert, Clock, Loader2 } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { NS } from "./i18n.ts";

const look = {
  queued: { tone: "neutral", Icon: Clock },
  processing: { tone: "info", Icon: Loader2 },
  ready: { tone: "success", Icon: CheckCircle2 },
  failed: { tone: "danger", Icon: CircleAlert },
} as const;

/** Where a source is on its way to being searchable; the spinner turns while it is processed. */
export function SourceStatus({ status }: { status: TSource["status"] }) {
  const { t } = useTranslation(NS);
  const { tone, Icon } = look[status];
  return (
    <Badge tone={tone} data-status={status}>
      <Icon className={status === "processing" ? "size-3 animate-spin" : "size-3"} aria-hidden />
      {t(`status.${status}`)}
    </Badge>
  );
}
