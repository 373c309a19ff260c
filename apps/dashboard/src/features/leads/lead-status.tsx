import { LEAD_STATUSES, type TLeadStatus } from "@minichat/contracts";
import type { ComponentProps } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Select } from "../../components/ui/input.tsx";
import { NS } from "./i18n.ts";

const TONES = {
  new: "info",
  contacted: "neutral",
  qualified: "warning",
  won: "success",
  lost: "danger",
} as const satisfies Record<TLeadStatus, ComponentProps<typeof Badge>["tone"]>;

export function LeadStatusBadge({ status }: { status: TLeadStatus }) {
  const { t } = useTranslation(NS);
  return <Badge tone={TONES[status]}>{t(`status.${status}`)}</Badge>;
}

/** The keyboard way to move a lead: a plain select of the pipeline's statuses. */
export function LeadStatusSelect({
  value,
  onChange,
  ...props
}: Omit<ComponentProps<typeof Select>, "value" | "onChange"> & {
  value: TLeadStatus;
  onChange: (status: TLeadStatus) => void;
}) {
  const { t } = useTranslation(NS);
  return (
    <Select value={value} onChange={(e) => onChange(e.target.value as TLeadStatus)} {...props}>
      {LEAD_STATUSES.map((s) => (
        <option key={s} value={s}>
          {t(`status.${s}`)}
        </option>
      ))}
    </Select>
  );
}
