import { and, asc, count, desc, eq, ne, sql } from "drizzle-orm";
import { agentActions, agents } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

export type AgentRow = typeof agents.$inferSelect;
export type ActionRow = typeof agentActions.$inferSelect;

export async function insertAgent(db: Db, row: typeof agents.$inferInsert): Promise<AgentRow> {
  const [created] = await db.insert(agents).values(row).returning();
  return created!;
}

export function findAgents(db: Db, workspaceId: string): Promise<AgentRow[]> {
  return db
    .select()
    .from(agents)
    .where(eq(agents.workspaceId, workspaceId))
    .orderBy(desc(agents.createdAt), desc(agents.id));
}

export async function findAgent(db: Db, workspaceId: string, id: string): Promise<AgentRow | undefined> {
  const [row] = await db
    .select()
    .from(agents)
    .where(and(eq(agents.workspaceId, workspaceId), eq(agents.id, id)));
  return row;
}

export async function countAgents(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(agents).where(eq(agents.workspaceId, workspaceId));
  return row?.n ?? 0;
}

/**
 * The distinct widget origins (sites) the workspace's agents declare, optionally leaving one
 * agent out (the one being saved). An origin on two agents is one site.
 */
export async function findWorkspaceOrigins(
  db: Db,
  workspaceId: string,
  exceptAgentId?: string,
): Promise<string[]> {
  const rows = await db
    .selectDistinct({ origin: sql<string>`unnest(${agents.allowedOrigins})` })
    .from(agents)
    .where(
      exceptAgentId
        ? and(eq(agents.workspaceId, workspaceId), ne(agents.id, exceptAgentId))
        : eq(agents.workspaceId, workspaceId),
    );
  return rows.map((r) => r.origin);
}

export async function updateAgentRow(
  db: Db,
  workspaceId: string,
  id: string,
  set: Partial<typeof agents.$inferInsert>,
): Promise<AgentRow | undefined> {
  const [row] = await db
    .update(agents)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(agents.workspaceId, workspaceId), eq(agents.id, id)))
    .returning();
  return row;
}

export async function deleteAgentRow(db: Db, workspaceId: string, id: string): Promise<AgentRow | undefined> {
  const [row] = await db
    .delete(agents)
    .where(and(eq(agents.workspaceId, workspaceId), eq(agents.id, id)))
    .returning();
  return row;
}

export function findActions(db: Db, workspaceId: string, agentId: string): Promise<ActionRow[]> {
  return db
    .select()
    .from(agentActions)
    .where(and(eq(agentActions.workspaceId, workspaceId), eq(agentActions.agentId, agentId)))
    .orderBy(asc(agentActions.name));
}

export async function findAction(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
): Promise<ActionRow | undefined> {
  const [row] = await db
    .select()
    .from(agentActions)
    .where(
      and(
        eq(agentActions.workspaceId, workspaceId),
        eq(agentActions.agentId, agentId),
        eq(agentActions.id, id),
      ),
    );
  return row;
}

export async function insertAction(db: Db, row: typeof agentActions.$inferInsert): Promise<ActionRow> {
  const [created] = await db.insert(agentActions).values(row).returning();
  return created!;
}

export async function updateActionRow(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
  set: Partial<typeof agentActions.$inferInsert>,
): Promise<ActionRow | undefined> {
  const [row] = await db
    .update(agentActions)
    .set({ ...set, updatedAt: new Date() })
    .where(
      and(
        eq(agentActions.workspaceId, workspaceId),
        eq(agentActions.agentId, agentId),
        eq(agentActions.id, id),
      ),
    )
    .returning();
  return row;
}

export async function deleteActionRow(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
): Promise<boolean> {
  const rows = await db
    .delete(agentActions)
    .where(
      and(
        eq(agentActions.workspaceId, workspaceId),
        eq(agentActions.agentId, agentId),
        eq(agentActions.id, id),
      ),
    )
    .returning({ id: agentActions.id });
  return rows.length > 0;
}
