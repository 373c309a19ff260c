import { useTranslation } from "react-i18next";
import { useErrorMessage } from "../../components/ui/states.tsx";
import { ApiError } from "../../lib/api.ts";
import { NS } from "./i18n.ts";

/** The team screen's errors said plainly: the plan's seat limit, an existing member, the last owner. */
export function useTeamErrorMessage() {
  const { t } = useTranslation(NS);
  const generic = useErrorMessage();
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      const details = (error.details ?? {}) as { limit?: string; max?: number; reason?: string };
      if (error.code === "LIMIT_REACHED" && details.limit === "members" && typeof details.max === "number")
        return t("errors.memberLimit", { max: details.max });
      if (details.reason === "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION")
        return t("errors.alreadyMember");
      if (error.code === "CONFLICT" && /owner/i.test(error.message)) return t("errors.lastOwner");
    }
    return generic(error);
  };
}

export const isMemberLimit = (error: unknown) => error instanceof ApiError && error.code === "LIMIT_REACHED";

export const isAlreadyMember = (error: unknown) =>
  error instanceof ApiError &&
  (error.details as { reason?: string } | undefined)?.reason ===
    "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION";
