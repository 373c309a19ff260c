import type { TCreateInvitationRequest, TRole, ZInvitation, ZMember } from "@minichat/contracts";
import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api.ts";

export type TMember = z.infer<typeof ZMember>;
export type TInvitation = z.infer<typeof ZInvitation>;

const base = (ws: string) => `/api/v1/workspaces/${encodeURIComponent(ws)}`;

export const membersQuery = (ws: string) =>
  queryOptions({
    queryKey: ["members", ws],
    queryFn: async () => (await api<{ members: TMember[] }>(`${base(ws)}/members`)).members,
  });

export const invitationsQuery = (ws: string) =>
  queryOptions({
    queryKey: ["invitations", ws],
    queryFn: async () => (await api<{ invitations: TInvitation[] }>(`${base(ws)}/invitations`)).invitations,
  });

export const changeRole = (ws: string, memberId: string, role: TRole) =>
  api<TMember>(`${base(ws)}/members/${encodeURIComponent(memberId)}`, { method: "PATCH", body: { role } });

export const removeMember = (ws: string, memberId: string) =>
  api<{ removed: true }>(`${base(ws)}/members/${encodeURIComponent(memberId)}`, { method: "DELETE" });

/** Also the resend: inviting a pending address again replaces its invitation and emails anew. */
export const invite = (ws: string, body: TCreateInvitationRequest) =>
  api<TInvitation>(`${base(ws)}/invitations`, { body });

export const cancelInvitation = (ws: string, id: string) =>
  api<TInvitation>(`${base(ws)}/invitations/${encodeURIComponent(id)}`, { method: "DELETE" });

/** The link in the invitation email, for sharing another way (no email settings on the server). */
export const invitationLink = (id: string) => `${location.origin}/invitations/${encodeURIComponent(id)}`;

/** Who may do what on this screen: the server's role matrix, as far as the screen needs it. */
export function teamPermissions(myRole: TRole | undefined) {
  const manage = myRole === "owner" || myRole === "admin";
  return {
    invite: manage,
    changeRole: (target: TRole) => manage && (target !== "owner" || myRole === "owner"),
    grantable: (["owner", "admin", "operator", "viewer"] as const).filter(
      (r) => r !== "owner" || myRole === "owner",
    ),
    remove: (target: TRole) => manage && target !== "owner",
  };
}
