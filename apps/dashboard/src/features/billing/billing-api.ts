import type {
  TChangePlanRequest,
  TCheckoutRequest,
  TWorkspaceBilling,
  ZCheckoutResponse,
  ZPlanList,
} from "@minichat/contracts";
import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api.ts";

const base = (ws: string) => `/api/v1/workspaces/${encodeURIComponent(ws)}/billing`;

export const billingQuery = (ws: string) =>
  queryOptions({ queryKey: ["billing", ws], queryFn: () => api<TWorkspaceBilling>(base(ws)) });

export const plansQuery = queryOptions({
  queryKey: ["plans"],
  queryFn: async () => (await api<z.infer<typeof ZPlanList>>("/api/v1/plans")).plans,
  staleTime: 5 * 60_000,
});

type Redirect = z.infer<typeof ZCheckoutResponse>;

export const startCheckout = (ws: string, body: TCheckoutRequest) =>
  api<Redirect>(`${base(ws)}/checkout`, { body });

export const openPortal = (ws: string) => api<Redirect>(`${base(ws)}/portal`, { method: "POST" });

export const changePlan = (ws: string, body: TChangePlanRequest) =>
  api<TWorkspaceBilling>(`${base(ws)}/change`, { body });
