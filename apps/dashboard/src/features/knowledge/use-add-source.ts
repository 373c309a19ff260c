import type { TSource, ZCreateSourceRequest } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { toast } from "../../components/ui/toast.tsx";
import { NS } from "./i18n.ts";
import { addSource, sourcesQuery, type TSourceList } from "./knowledge-api.ts";

/** Adds a text, Q&A or website source; it joins the list at once (queued) and a toast says so. */
export function useAddSource(workspaceId: string, agentId: string, onAdded?: (s: TSource) => void) {
  const { t } = useTranslation(NS);
  const qc = useQueryClient();
  const key = sourcesQuery(workspaceId, agentId).queryKey;
  return useMutation({
    mutationFn: (body: z.input<typeof ZCreateSourceRequest>) => addSource(workspaceId, agentId, body),
    onSuccess: (source) => {
      const list = qc.getQueryData<TSourceList>(key);
      if (list) qc.setQueryData<TSourceList>(key, { ...list, sources: [source, ...list.sources] });
      void qc.invalidateQueries({ queryKey: key });
      toast.success(t("add.added", { name: source.name }));
      onAdded?.(source);
    },
  });
}
