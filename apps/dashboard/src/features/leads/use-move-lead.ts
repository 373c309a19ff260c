import type { TLeadStatus } from "@minichat/contracts";
import { type InfiniteData, useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { NS } from "./i18n.ts";
import { leadListKey, leadQuery, leadsKey, type TLeadList, updateLeadStatus } from "./leads-api.ts";
import { withStatus } from "./leads-filter.ts";

/**
 * Moves a lead in the pipeline. Optimistic: every loaded list shows the new status at once and
 * goes back if the server refuses; the server's answer then refreshes the lists.
 */
export function useMoveLead(workspaceId: string) {
  const { t } = useTranslation(NS);
  const queryClient = useQueryClient();
  const message = useErrorMessage();
  return useMutation({
    mutationFn: (v: { leadId: string; status: TLeadStatus }) =>
      updateLeadStatus(workspaceId, v.leadId, v.status),
    onMutate: async ({ leadId, status }) => {
      await queryClient.cancelQueries({ queryKey: leadsKey(workspaceId) });
      const lists = queryClient.getQueriesData<InfiniteData<TLeadList>>({
        queryKey: leadListKey(workspaceId),
      });
      for (const [key, data] of lists) {
        if (!data) continue;
        const filter = (key[3] ?? {}) as { status?: TLeadStatus };
        queryClient.setQueryData<InfiniteData<TLeadList>>(key, {
          ...data,
          pages: data.pages.map((p) => ({ ...p, leads: withStatus(p.leads, leadId, status, filter.status) })),
        });
      }
      const detailKey = leadQuery(workspaceId, leadId).queryKey;
      const detail = queryClient.getQueryData(detailKey);
      if (detail) queryClient.setQueryData(detailKey, { ...detail, status });
      return { lists, detail };
    },
    onError: (error, { leadId }, saved) => {
      for (const [key, data] of saved?.lists ?? []) queryClient.setQueryData(key, data);
      if (saved?.detail) queryClient.setQueryData(leadQuery(workspaceId, leadId).queryKey, saved.detail);
      toast.error(message(error));
    },
    onSuccess: (lead) => {
      queryClient.setQueryData(leadQuery(workspaceId, lead.id).queryKey, lead);
      toast.success(t("moved", { status: t(`status.${lead.status}`) }));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: leadListKey(workspaceId) }),
  });
}
