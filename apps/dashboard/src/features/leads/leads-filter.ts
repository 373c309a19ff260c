import { LEAD_STATUSES, type TLead, type TLeadFilter, type TLeadStatus } from "@minichat/contracts";

// The screen's filters as the API's query string (list and CSV export take the same ones), and
// the loaded leads grouped into the pipeline's columns. Pure, so unit-tested without a browser.

export type LeadFilters = {
  status: TLeadStatus | "";
  agentId: string;
  q: string;
  from: string; // yyyy-mm-dd or ""
  to: string;
};

export const NO_FILTERS: LeadFilters = { status: "", agentId: "", q: "", from: "", to: "" };

/** Only the filters that are set, trimmed, in the API's names. */
export function toApiFilter(f: LeadFilters): TLeadFilter {
  const out: TLeadFilter = {};
  if (f.status) out.status = f.status;
  if (f.agentId) out.agentId = f.agentId;
  const q = f.q.trim();
  if (q) out.q = q.slice(0, 200);
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  return out;
}

export function toQueryString(filter: TLeadFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, ...extra })) if (v) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}

export function hasFilters(f: LeadFilters): boolean {
  return Object.keys(toApiFilter(f)).length > 0;
}

/** Leads by status in pipeline order, each column keeping the list's order (newest first). */
export function groupByStatus(leads: readonly TLead[]): { status: TLeadStatus; leads: TLead[] }[] {
  return LEAD_STATUSES.map((status) => ({ status, leads: leads.filter((l) => l.status === status) }));
}

/** The lead's name as a person reads it: the name, else the email, else the phone. */
export function leadTitle(l: Pick<TLead, "contact">): string | null {
  return l.contact.name ?? l.contact.email ?? l.contact.phone ?? null;
}

/** The list with one lead's status changed (an optimistic update), or dropped when it no longer matches. */
export function withStatus(
  leads: readonly TLead[],
  leadId: string,
  status: TLeadStatus,
  filterStatus: TLeadStatus | undefined,
): TLead[] {
  return leads
    .map((l) => (l.id === leadId ? { ...l, status } : l))
    .filter((l) => l.id !== leadId || !filterStatus || filterStatus === status);
}

const CHANNELS = ["widget", "api", "test"] as const;

/** The translation key for where a lead came from (a channel added later shows by its name). */
export function channelKey(channel: string | null): string | null {
  return channel && (CHANNELS as readonly string[]).includes(channel) ? `channel.${channel}` : null;
}
