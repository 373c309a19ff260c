import { and, desc, eq, sql } from "drizzle-orm";
import { knowledgeGaps } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import { tokenize } from "../conversations/text-match.ts";

/** Below this retrieval score nothing relevant was found (the built-in responder's bar too). */
export const RELEVANT_SCORE = 0.5;

export function normalizeQuestion(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/[?!.。]+$/u, "")
    .trim()
    .slice(0, 300);
}

/**
 * A question is a gap when it has something to look up (two or more content words, so "hi" or
 * "thanks" are not) and retrieval found no passage that clears the relevance bar. Gaps are
 * written together with the turn's answer, in turn.repo.ts's single statement.
 */
export function isKnowledgeGap(question: string, bestScore: number): boolean {
  return bestScore < RELEVANT_SCORE && tokenize(question).length >= 2;
}

/** Unanswered questions grouped by wording, the most asked first. */
export async function findGaps(db: Db, workspaceId: string, agentId: string, limit: number) {
  const rows = await db
    .select({
      question: sql<string>`(array_agg(${knowledgeGaps.question} order by ${knowledgeGaps.createdAt} desc))[1]`,
      count: sql<number>`count(*)::int`,
      lastAskedAt: sql<string>`max(${knowledgeGaps.createdAt})`,
      conversationIds: sql<
        string[]
      >`(array_agg(${knowledgeGaps.conversationId} order by ${knowledgeGaps.createdAt} desc))[1:5]`,
    })
    .from(knowledgeGaps)
    .where(and(eq(knowledgeGaps.workspaceId, workspaceId), eq(knowledgeGaps.agentId, agentId)))
    .groupBy(knowledgeGaps.normalized)
    .orderBy(desc(sql`count(*)`), desc(sql`max(${knowledgeGaps.createdAt})`))
    .limit(limit);
  return rows.map((r) => ({
    question: r.question,
    count: Number(r.count),
    lastAskedAt: new Date(r.lastAskedAt).toISOString(),
    conversationIds: (r.conversationIds ?? []).filter((id): id is string => typeof id === "string"),
  }));
}

/**
 * Marks a question as dealt with (the owner answered it, or it needs no answer): every asking
 * that groups with it leaves the list. Returns how many were removed.
 */
export async function resolveGap(db: Db, workspaceId: string, agentId: string, question: string) {
  const removed = await db
    .delete(knowledgeGaps)
    .where(
      and(
        eq(knowledgeGaps.workspaceId, workspaceId),
        eq(knowledgeGaps.agentId, agentId),
        eq(knowledgeGaps.normalized, normalizeQuestion(question)),
      ),
    )
    .returning({ id: knowledgeGaps.id });
  return removed.length;
}
