import { and, asc, eq, inArray } from "drizzle-orm";
import { invitations, members, users, workspaces } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;

export async function findMembership(
  db: Db,
  workspaceId: string,
  userId: string,
): Promise<MemberRow | undefined> {
  const [row] = await db
    .select()
    .from(members)
    .where(and(eq(members.organizationId, workspaceId), eq(members.userId, userId)));
  return row;
}

export async function findWorkspaceById(db: Db, workspaceId: string): Promise<WorkspaceRow | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  return row;
}

export function findWorkspacesForUser(db: Db, userId: string) {
  return db
    .select({ workspace: workspaces, role: members.role })
    .from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.organizationId))
    .where(eq(members.userId, userId))
    .orderBy(asc(workspaces.createdAt), asc(workspaces.id));
}

export function findMembers(db: Db, workspaceId: string) {
  return db
    .select({ member: members, name: users.name, email: users.email })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(eq(members.organizationId, workspaceId))
    .orderBy(asc(members.createdAt), asc(members.id));
}

export async function findMemberById(
  db: Db,
  workspaceId: string,
  memberId: string,
): Promise<MemberRow | undefined> {
  const [row] = await db
    .select()
    .from(members)
    .where(and(eq(members.organizationId, workspaceId), eq(members.id, memberId)));
  return row;
}

/**
 * Runs `fn` in a transaction holding the workspace row's lock, so an owner-count check and the
 * change it guards cannot interleave with another one (two owners removing each other at once
 * would otherwise leave the workspace without an owner).
 */
export async function withWorkspaceLock<T>(
  db: Db,
  workspaceId: string,
  fn: (tx: Db) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx
      .select({ id: workspaces.id })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId))
      .for("update");
    return fn(tx as unknown as Db);
  });
}

export async function countOwners(db: Db, workspaceId: string): Promise<number> {
  const rows = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.organizationId, workspaceId), eq(members.role, "owner")));
  return rows.length;
}

export async function updateMemberRole(
  db: Db,
  workspaceId: string,
  memberId: string,
  role: string,
): Promise<MemberRow> {
  const [row] = await db
    .update(members)
    .set({ role })
    .where(and(eq(members.organizationId, workspaceId), eq(members.id, memberId)))
    .returning();
  return row!;
}

export async function deleteMember(db: Db, workspaceId: string, memberId: string): Promise<void> {
  await db.delete(members).where(and(eq(members.organizationId, workspaceId), eq(members.id, memberId)));
}

export function findInvitations(db: Db, workspaceId: string, statuses: string[]) {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.organizationId, workspaceId), inArray(invitations.status, statuses)))
    .orderBy(asc(invitations.createdAt), asc(invitations.id));
}

export async function findInvitationById(db: Db, invitationId: string): Promise<InvitationRow | undefined> {
  const [row] = await db.select().from(invitations).where(eq(invitations.id, invitationId));
  return row;
}

export async function findWorkspaceInvitation(
  db: Db,
  workspaceId: string,
  invitationId: string,
): Promise<InvitationRow | undefined> {
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.organizationId, workspaceId), eq(invitations.id, invitationId)));
  return row;
}

export async function renameWorkspace(
  db: Db,
  workspaceId: string,
  name: string,
): Promise<WorkspaceRow | undefined> {
  const [row] = await db.update(workspaces).set({ name }).where(eq(workspaces.id, workspaceId)).returning();
  return row;
}
