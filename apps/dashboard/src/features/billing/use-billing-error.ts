import { useTranslation } from "react-i18next";
import { useErrorMessage } from "../../components/ui/states.tsx";
import { NS } from "./i18n.ts";

/** Billing's own error codes in the interface language; anything else as the shared screens do. */
export function useBillingError() {
  const { t, i18n } = useTranslation(NS);
  const shared = useErrorMessage();
  return (error: unknown): string => {
    const code = (error as { code?: string } | undefined)?.code;
    if (code && i18n.exists(`errors.${code}`, { ns: NS, fallbackNS: [] })) return t(`errors.${code}`);
    return shared(error);
  };
}
