import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/organization/access";
import { AppError } from "../../platform/errors.ts";

// The one role matrix. Better Auth's organization plugin enforces it on its own endpoints
// (invitations, member changes) and our routes ask `assertCan` for everything else.

export const statements = {
  ...defaultStatements,
  apiKey: ["create", "read", "revoke"],
  auditLog: ["read"],
  agent: ["create", "read", "update", "delete", "test"],
  provider: ["read", "update"],
  conversation: ["read", "reply"],
  usage: ["read"],
  billing: ["manage"],
  // Leads and contacts: viewers read them; operators and above work them (status, notes, edits).
  lead: ["read", "update"],
  contact: ["read", "update"],
  /** Delete anyone's note on a lead (authors may always delete their own). */
  leadNote: ["delete"],
} as const;

export const ac = createAccessControl(statements);

export const ROLES = ["owner", "admin", "operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const roles = {
  owner: ac.newRole({
    organization: ["update", "delete"],
    member: ["create", "update", "delete"],
    invitation: ["create", "cancel"],
    team: ["create", "update", "delete"],
    ac: ["create", "read", "update", "delete"],
    apiKey: ["create", "read", "revoke"],
    auditLog: ["read"],
    agent: ["create", "read", "update", "delete", "test"],
    provider: ["read", "update"],
    conversation: ["read", "reply"],
    usage: ["read"],
    billing: ["manage"],
    lead: ["read", "update"],
    contact: ["read", "update"],
    leadNote: ["delete"],
  }),
  admin: ac.newRole({
    organization: ["update"],
    member: ["create", "update", "delete"],
    invitation: ["create", "cancel"],
    team: ["create", "update", "delete"],
    ac: ["read"],
    apiKey: ["create", "read", "revoke"],
    auditLog: ["read"],
    agent: ["create", "read", "update", "delete", "test"],
    provider: ["read", "update"],
    conversation: ["read", "reply"],
    usage: ["read"],
    billing: ["manage"],
    lead: ["read", "update"],
    contact: ["read", "update"],
    leadNote: ["delete"],
  }),
  // Operators run conversations: they see agents and may try them, but do not change them.
  operator: ac.newRole({
    agent: ["read", "test"],
    provider: ["read"],
    conversation: ["read", "reply"],
    usage: ["read"],
    lead: ["read", "update"],
    contact: ["read", "update"],
  }),
  viewer: ac.newRole({
    agent: ["read"],
    provider: ["read"],
    conversation: ["read"],
    usage: ["read"],
    lead: ["read"],
    contact: ["read"],
  }),
};

export type Statements = typeof statements;
export type Permission = { [K in keyof Statements]?: Statements[K][number][] };

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function can(role: string, permission: Permission): boolean {
  if (!isRole(role)) return false;
  return roles[role].authorize(permission as never).success;
}

export function assertCan(role: string, permission: Permission): void {
  if (!can(role, permission)) {
    throw new AppError("FORBIDDEN", `Your role (${role}) does not allow this action`, {
      required: permission,
    });
  }
}
