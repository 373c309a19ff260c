import type { ZUsageReport } from "@minichat/contracts";
import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api.ts";

export type TUsageReport = z.infer<typeof ZUsageReport>;

export const usageQuery = (ws: string, from: string, to: string) =>
  queryOptions({
    queryKey: ["usage", ws, from, to],
    queryFn: () =>
      api<TUsageReport>(
        `/api/v1/workspaces/${encodeURIComponent(ws)}/usage?${new URLSearchParams({ from, to })}`,
      ),
    // Switching the range keeps the previous numbers on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
