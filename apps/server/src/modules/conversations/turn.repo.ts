import { sql } from "drizzle-orm";
import type { MessageCitation, MessageToolCall } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";

// The two writes of every turn, each one statement (one round trip, atomic on its own):
// a turn is the hottest path of the product, and on the embedded database every statement
// costs about a millisecond of the only thread.

export type HistoryMessage = { id: string; role: string; content: string };

type Rows<T> = { rows: T[] };

/** Stores the visitor's message and returns it with the `limit` messages before it, oldest first. */
export async function storeVisitorMessage(
  db: Db,
  m: { id: string; workspaceId: string; conversationId: string; content: string },
  limit: number,
): Promise<HistoryMessage[]> {
  // The CTE's insert is not visible to the select in the same statement, so the new message
  // is appended with UNION ALL rather than read back.
  const res = (await db.execute(sql`
    with v as (
      insert into messages (id, workspace_id, conversation_id, role, content)
      values (${m.id}, ${m.workspaceId}, ${m.conversationId}, 'visitor', ${m.content})
      returning id, role, content
    )
    select id, role, content from (
      select id, role, content from messages
      where workspace_id = ${m.workspaceId} and conversation_id = ${m.conversationId}
      order by created_at desc, id desc
      limit ${limit}
    ) h
    union all
    select id, role, content from v`)) as unknown as Rows<HistoryMessage>;
  const rows = res.rows;
  const visitor = rows.find((r) => r.id === m.id)!;
  const before = rows.filter((r) => r.id !== m.id).reverse();
  return [...before, visitor];
}

export type AnswerRow = {
  id: string;
  workspaceId: string;
  conversationId: string;
  agentId: string;
  content: string;
  status: "complete" | "partial" | "failed";
  citations: MessageCitation[];
  toolCalls: MessageToolCall[];
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  errorCode: string | null;
  errorMessage: string | null;
  /** UTC day the usage counts towards. */
  day: string;
  at: Date;
  /** New conversation status, when the turn changed it. */
  status2: string | null;
};

/** Stores the answer, adds its usage to the day's aggregate and touches the conversation. */
export async function storeAnswer(db: Db, a: AnswerRow): Promise<void> {
  const at = a.at.toISOString();
  await db.execute(sql`
    with m as (
      insert into messages (id, workspace_id, conversation_id, role, content, status, citations, tool_calls,
        provider, model, input_tokens, output_tokens, cost_usd, latency_ms, error_code, error_message)
      values (${a.id}, ${a.workspaceId}, ${a.conversationId}, 'assistant', ${a.content}, ${a.status},
        ${JSON.stringify(a.citations)}::jsonb, ${JSON.stringify(a.toolCalls)}::jsonb, ${a.provider}, ${a.model},
        ${a.inputTokens}, ${a.outputTokens}, ${a.costUsd}, ${a.latencyMs}, ${a.errorCode}, ${a.errorMessage})
      returning id
    ),
    c as (
      update conversations
      set last_message_at = ${at}, updated_at = ${at}, status = coalesce(${a.status2}, status)
      where workspace_id = ${a.workspaceId} and id = ${a.conversationId}
    )
    insert into usage_daily (workspace_id, day, agent_id, provider, model, messages, input_tokens, output_tokens, cost_usd)
    values (${a.workspaceId}, ${a.day}, ${a.agentId}, ${a.provider}, ${a.model}, 1, ${a.inputTokens}, ${a.outputTokens}, ${a.costUsd})
    on conflict (workspace_id, day, agent_id, provider, model) do update set
      messages = usage_daily.messages + 1,
      input_tokens = usage_daily.input_tokens + excluded.input_tokens,
      output_tokens = usage_daily.output_tokens + excluded.output_tokens,
      cost_usd = usage_daily.cost_usd + excluded.cost_usd`);
}
