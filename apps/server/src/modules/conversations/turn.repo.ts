import type { MessageCitation, MessageToolCall } from "../../db/schema/index.ts";
import type { Database } from "../../platform/db/client.ts";
import type { ActionRow, AgentRow } from "../agents/agents.repo.ts";
import type { CredentialRow } from "../providers/credentials.repo.ts";
import type { ConversationRow } from "./conversations.repo.ts";

// The two writes of every turn, each one named statement (one round trip, atomic on its own,
// prepared once per connection on PostgreSQL): a turn is the hottest path of the product, and
// on the embedded database every statement costs about a millisecond of the only thread.

export type HistoryMessage = { id: string; role: string; content: string };

/** A row of `row_to_json(...)` in the shape drizzle would return (camelCase, Dates). */
function fromJson<T>(o: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] =
      k.endsWith("_at") && typeof v === "string" ? new Date(v) : v;
  }
  return out as T;
}

type TurnRow = {
  kind: "c" | "h" | "v";
  id: string | null;
  role: string | null;
  content: string | null;
  conversation: Record<string, unknown> | null;
  agent: Record<string, unknown> | null;
  actions: Record<string, unknown>[] | null;
  credentials: Record<string, unknown>[] | null;
  has_knowledge: boolean | null;
};

// $1 visitor message id, $2 workspace, $3 conversation, $4 content, $5 agent or null,
// $6 channel or null, $7 history length.
const BEGIN_TURN = `
  with c as (
    select row_to_json(conv) as conversation, row_to_json(ag) as agent, conv.id as cid,
      -- what a model turn needs besides: the agent's actions and the workspace's own keys
      (select coalesce(json_agg(a order by a.name), '[]'::json) from agent_actions a
        where a.workspace_id = conv.workspace_id and a.agent_id = ag.id and a.enabled) as actions,
      (select coalesce(json_agg(p), '[]'::json) from provider_credentials p
        where p.workspace_id = conv.workspace_id
          and p.provider in (ag.provider, coalesce(ag.fallback_provider, ag.provider))) as credentials,
      exists(select 1 from knowledge_sources s where s.workspace_id = conv.workspace_id
          and s.agent_id = ag.id and s.chunk_count > 0) as has_knowledge
    from conversations conv join agents ag on ag.id = conv.agent_id
    where conv.workspace_id = $2 and conv.id = $3
      and ($5::text is null or conv.agent_id = $5) and ($6::text is null or conv.channel = $6)
  ),
  v as (
    insert into messages (id, workspace_id, conversation_id, role, content)
    select $1, $2, c.cid, 'visitor', $4 from c
    returning id, role, content
  ),
  -- a visitor message nobody in the inbox has seen yet
  u as (
    update conversations set unread_count = unread_count + 1
    where workspace_id = $2 and id = (select cid from c)
  )
  select 'c' as kind, null::text as id, null::text as role, null::text as content,
    c.conversation, c.agent, c.actions, c.credentials, c.has_knowledge from c
  union all
  select 'h', h.id, h.role, h.content, null::json, null::json, null::json, null::json, null::boolean from (
    select id, role, content from messages
    -- internal notes are the team's, never the model's
    where workspace_id = $2 and conversation_id = $3 and role <> 'note'
    order by seq desc
    limit $7
  ) h
  union all
  select 'v', v.id, v.role, v.content, null::json, null::json, null::json, null::json, null::boolean from v`;

/**
 * The first statement of a turn: finds the conversation (in this workspace, optionally of
 * this agent and channel) with its agent, stores the visitor's message and returns the
 * messages before it. Nothing is stored when the conversation is not found.
 */
export async function beginTurn(
  database: Database,
  m: {
    visitorId: string;
    workspaceId: string;
    conversationId: string;
    content: string;
    agentId?: string | undefined;
    channel?: string | undefined;
  },
  limit: number,
): Promise<{
  conversation: ConversationRow;
  agent: AgentRow;
  actions: ActionRow[];
  credentials: CredentialRow[];
  hasKnowledge: boolean;
  history: HistoryMessage[];
} | null> {
  const rows = await database.query<TurnRow>(
    BEGIN_TURN,
    [m.visitorId, m.workspaceId, m.conversationId, m.content, m.agentId ?? null, m.channel ?? null, limit],
    "turn_begin",
  );
  const head = rows.find((r) => r.kind === "c");
  if (!head) return null;
  // The CTE's insert is not visible to the history select of the same statement, so the new
  // message arrives separately (kind "v") and goes last.
  const history = rows
    .filter((r) => r.kind === "h")
    .reverse()
    .map((r) => ({ id: r.id!, role: r.role!, content: r.content! }));
  const visitor = rows.find((r) => r.kind === "v")!;
  history.push({ id: visitor.id!, role: visitor.role!, content: visitor.content! });
  return {
    conversation: fromJson<ConversationRow>(head.conversation!),
    agent: fromJson<AgentRow>(head.agent!),
    actions: head.actions!.map((a) => fromJson<ActionRow>(a)),
    credentials: head.credentials!.map((c) => fromJson<CredentialRow>(c)),
    hasKnowledge: head.has_knowledge === true,
    history,
  };
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
  newStatus: string | null;
  /** The visitor's question, when the knowledge had nothing relevant for it. */
  gap: { id: string; question: string; normalized: string } | null;
};

const STORE_ANSWER = `
  with m as (
    insert into messages (id, workspace_id, conversation_id, role, content, status, citations, tool_calls,
      provider, model, input_tokens, output_tokens, cost_usd, latency_ms, error_code, error_message)
    values ($1, $2, $3, 'assistant', $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15)
    returning id
  ),
  c as (
    update conversations
    set last_message_at = $16, updated_at = $16, status = coalesce($17, status)
    where workspace_id = $2 and id = $3
  ),
  g as (
    insert into knowledge_gaps (id, workspace_id, agent_id, conversation_id, question, normalized)
    select $20, $2, $19, $3, $21, $22 where $20::text is not null
  )
  insert into usage_daily (workspace_id, day, agent_id, provider, model, messages, input_tokens, output_tokens, cost_usd)
  values ($2, $18, $19, $8, $9, 1, $10, $11, $12)
  on conflict (workspace_id, day, agent_id, provider, model) do update set
    messages = usage_daily.messages + 1,
    input_tokens = usage_daily.input_tokens + excluded.input_tokens,
    output_tokens = usage_daily.output_tokens + excluded.output_tokens,
    cost_usd = usage_daily.cost_usd + excluded.cost_usd`;

/**
 * Stores the answer, adds its usage to the day's aggregate, touches the conversation and, when
 * retrieval found nothing relevant, records the knowledge gap.
 */
export async function storeAnswer(database: Database, a: AnswerRow): Promise<void> {
  await database.query(
    STORE_ANSWER,
    [
      a.id,
      a.workspaceId,
      a.conversationId,
      a.content,
      a.status,
      JSON.stringify(a.citations),
      JSON.stringify(a.toolCalls),
      a.provider,
      a.model,
      a.inputTokens,
      a.outputTokens,
      a.costUsd,
      a.latencyMs,
      a.errorCode,
      a.errorMessage,
      a.at.toISOString(),
      a.newStatus,
      a.day,
      a.agentId,
      a.gap?.id ?? null,
      a.gap?.question ?? null,
      a.gap?.normalized ?? null,
    ],
    "turn_store_answer",
  );
}
