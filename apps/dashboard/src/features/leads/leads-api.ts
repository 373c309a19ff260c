import type { TLead, TLeadFilter, TLeadNote, TLeadStatus, ZLeadDetail, ZLeadList } from "@minichat/contracts";
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api.ts";
import { toQueryString } from "./leads-filter.ts";

export type TLeadDetail = z.infer<typeof ZLeadDetail>;
export type TLeadList = z.infer<typeof ZLeadList>;

const base = (ws: string) => `/api/v1/workspaces/${encodeURIComponent(ws)}/leads`;
const one = (ws: string, id: string) => `${base(ws)}/${encodeURIComponent(id)}`;

export const leadsKey = (ws: string) => ["leads", ws] as const;
export const leadListKey = (ws: string) => ["leads", ws, "list"] as const;

/** Pages of 50, newest first, along the API's cursor. */
export const leadsQuery = (ws: string, filter: TLeadFilter) =>
  infiniteQueryOptions({
    queryKey: [...leadListKey(ws), filter],
    queryFn: ({ pageParam }) =>
      api<TLeadList>(
        `${base(ws)}${toQueryString(filter, pageParam ? { cursor: pageParam, limit: "50" } : { limit: "50" })}`,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export const leadQuery = (ws: string, id: string) =>
  queryOptions({
    queryKey: [...leadsKey(ws), "one", id],
    queryFn: () => api<TLeadDetail>(one(ws, id)),
  });

/** The CSV download: a plain same-origin link, so the browser streams it with the session cookie. */
export const exportUrl = (ws: string, filter: TLeadFilter) =>
  `${base(ws)}/export.csv${toQueryString(filter)}`;

export const updateLeadStatus = (ws: string, id: string, status: TLeadStatus) =>
  api<TLeadDetail>(one(ws, id), { method: "PATCH", body: { status } });

export const addLeadNote = (ws: string, id: string, body: string) =>
  api<TLeadNote>(`${one(ws, id)}/notes`, { body: { body } });

export const deleteLeadNote = (ws: string, id: string, noteId: string) =>
  api<null>(`${one(ws, id)}/notes/${encodeURIComponent(noteId)}`, { method: "DELETE" });

export type { TLead };
