import { sql } from "drizzle-orm";
import type { MessageCitation, MessageToolCall } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import type { ActionRow, AgentRow } from "../agents/agents.repo.ts";
import type { CredentialRow } from "../providers/credentials.repo.ts";
import type { ConversationRow } from "./conversations.repo.ts";

// The two writes of every turn, each one statement (one round trip, atomic on its own):
// a turn is the hottest path of the product, and on the embedded database every statement
// costs about a millisecond of the only thread.

export type HistoryMessage = { id: string; role: string; content: string };

type Rows<T> = { rows: T[] };

/** A row of `row_to_json(...)` in the shape drizzle would return (camelCase, Dates). */
function fromJson<T>(o: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] =
      k.endsWith("_at") && typeof v === "string" ? new Date(v) : v;
  }
  return out as T;
}

/**
 * The first statement of a turn: finds the conversation (in this workspace, optionally of
 * this agent and channel) with its agent, stores the visitor's message and returns the
 * messages before it. One round trip; nothing is stored when the conversation is not found.
 */
export async function beginTurn(
  db: Db,
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
  history: HistoryMessage[];
} | null> {
  const res = (await db.execute(sql`
    with c as (
      select row_to_json(conv) as conversation, row_to_json(ag) as agent, conv.id as cid,
        -- what a model turn needs besides: the agent's actions and the workspace's own keys
        (select coalesce(json_agg(a order by a.name), '[]'::json) from agent_actions a
          where a.workspace_id = conv.workspace_id and a.agent_id = ag.id and a.enabled) as actions,
        (select coalesce(json_agg(p), '[]'::json) from provider_credentials p
          where p.workspace_id = conv.workspace_id
            and p.provider in (ag.provider, coalesce(ag.fallback_provider, ag.provider))) as credentials
      from conversations conv join agents ag on ag.id = conv.agent_id
      where conv.workspace_id = ${m.workspaceId} and conv.id = ${m.conversationId}
        ${m.agentId ? sql`and conv.agent_id = ${m.agentId}` : sql``}
        ${m.channel ? sql`and conv.channel = ${m.channel}` : sql``}
    ),
    v as (
      insert into messages (id, workspace_id, conversation_id, role, content)
      select ${m.visitorId}, ${m.workspaceId}, c.cid, 'visitor', ${m.content} from c
      returning id, role, content
    )
    select 'c' as kind, null::text as id, null::text as role, null::text as content,
      c.conversation, c.agent, c.actions, c.credentials from c
    union all
    select 'h', h.id, h.role, h.content, null::json, null::json, null::json, null::json from (
      select id, role, content from messages
      where workspace_id = ${m.workspaceId} and conversation_id = ${m.conversationId}
      order by seq desc
      limit ${limit}
    ) h
    union all
    select 'v', v.id, v.role, v.content, null::json, null::json, null::json, null::json from v`)) as unknown as Rows<TurnRow>;
  const head = res.rows.find((r) => r.kind === "c");
  if (!head) return null;
  // The CTE's insert is not visible to the history select of the same statement, so the new
  // message arrives separately (kind "v") and goes last.
  const history = res.rows
    .filter((r) => r.kind === "h")
    .reverse()
    .map((r) => ({ id: r.id!, role: r.role!, content: r.content! }));
  const visitor = res.rows.find((r) => r.kind === "v")!;
  history.push({ id: visitor.id!, role: visitor.role!, content: visitor.content! });
  return {
    conversation: fromJson<ConversationRow>(head.conversation!),
    agent: fromJson<AgentRow>(head.agent!),
    actions: (head.actions as Record<string, unknown>[]).map((a) => fromJson<ActionRow>(a)),
    credentials: (head.credentials as Record<string, unknown>[]).map((c) => fromJson<CredentialRow>(c)),
    history,
  };
}

type TurnRow = {
  kind: "c" | "h" | "v";
  id: string | null;
  role: string | null;
  content: string | null;
  conversation: Record<string, unknown> | null;
  agent: Record<string, unknown> | null;
  actions: unknown[] | null;
  credentials: unknown[] | null;
};

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
