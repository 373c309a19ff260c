import { z } from "zod";
import { ZId } from "./common.ts";

export const ZRole = z.enum(["owner", "admin", "operator", "viewer"]);
export type TRole = z.infer<typeof ZRole>;

export const ZCreateWorkspaceRequest = z.strictObject({
  name: z.string().trim().min(1, "name is required").max(80, "name must be at most 80 characters"),
});
export type TCreateWorkspaceRequest = z.infer<typeof ZCreateWorkspaceRequest>;

export const ZUpdateWorkspaceRequest = ZCreateWorkspaceRequest;

export const ZWorkspace = z
  .object({
    id: ZId("ws"),
    name: z.string(),
    slug: z.string(),
    role: ZRole.optional().meta({ description: "Your role in this workspace (absent for API keys)" }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Workspace" });
export type TWorkspace = z.infer<typeof ZWorkspace>;

export const ZWorkspaceList = z.object({ workspaces: z.array(ZWorkspace) });

export const ZMember = z
  .object({
    id: ZId("mem"),
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    role: ZRole,
    joinedAt: z.iso.datetime(),
  })
  .meta({ id: "Member" });
export const ZMemberList = z.object({ members: z.array(ZMember) });
export const ZMemberParams = z.strictObject({ workspaceId: ZId("ws"), memberId: ZId("mem") });
export const ZUpdateMemberRequest = z.strictObject({ role: ZRole });

export const ZCreateInvitationRequest = z.strictObject({
  email: z.email("must be an email address").max(254),
  role: ZRole.exclude(["owner"]).default("operator"),
});
export type TCreateInvitationRequest = z.infer<typeof ZCreateInvitationRequest>;

export const ZInvitation = z
  .object({
    id: ZId("inv"),
    workspaceId: ZId("ws"),
    email: z.string(),
    role: ZRole,
    status: z.enum(["pending", "accepted", "rejected", "canceled", "expired"]),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "Invitation" });
export const ZInvitationList = z.object({ invitations: z.array(ZInvitation) });
export const ZInvitationParams = z.strictObject({ invitationId: ZId("inv") });
export const ZWorkspaceInvitationParams = z.strictObject({
  workspaceId: ZId("ws"),
  invitationId: ZId("inv"),
});
