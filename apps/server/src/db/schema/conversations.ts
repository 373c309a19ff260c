import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { users, workspaces } from "./auth.ts";

/** A person who talked to an agent and left details (or will, on a channel that knows them). */
export const contacts = pgTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name"),
    email: text("email"),
    phone: text("phone"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One contact per email per workspace: a returning visitor's lead joins the same contact.
    uniqueIndex("contacts_ws_email_idx")
      .on(t.workspaceId, sql`lower(${t.email})`)
      .where(sql`${t.email} is not null`),
  ],
);

export const conversations = pgTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    contactId: text("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    channel: text("channel").notNull(),
    status: text("status").notNull().default("ai"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    /** The operator holding or assigned to the conversation (inbox). */
    assigneeId: text("assignee_id").references(() => users.id, { onDelete: "set null" }),
    /** Visitor messages no operator has seen yet (reset when a member opens the transcript). */
    unreadCount: integer("unread_count").notNull().default(0),
    /** sha256 of the widget visitor's token (public channel); the token itself is never stored. */
    visitorTokenHash: text("visitor_token_hash"),
    visitorTokenExpiresAt: timestamp("visitor_token_expires_at", { withTimezone: true }),
    /** Verified id of the host site's signed-in user (identity verification), if any. */
    externalUserId: text("external_user_id"),
    /** End-of-chat rating by the visitor, 1..5. */
    rating: integer("rating"),
    ratingComment: text("rating_comment"),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("conversations_ws_recent_idx").on(t.workspaceId, t.lastMessageAt),
    index().on(t.agentId),
    // A contact's conversations (contact page, merge, and the ON DELETE of a merged contact).
    index("conversations_contact_idx").on(t.contactId),
    // The inbox lists a workspace's conversations by status, newest first.
    index("conversations_ws_status_idx").on(t.workspaceId, t.status, t.lastMessageAt),
    uniqueIndex("conversations_visitor_token_idx").on(t.visitorTokenHash),
  ],
);

export type MessageCitation = {
  index: number;
  sourceId: string;
  passageId: string;
  title: string;
  url: string | null;
  quote: string;
};
export type MessageToolCall = { name: string; input: unknown; output?: unknown; error?: string };

export const messages = pgTable(
  "messages",
  {
    id: text("id").primaryKey(),
    /** Order of messages: timestamps can tie (PGlite's clock is coarse), a sequence cannot. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    content: text("content").notNull(),
    /** complete | partial (stream cut short) | failed (no model could answer) */
    status: text("status").notNull().default("complete"),
    citations: jsonb("citations").$type<MessageCitation[]>().notNull().default([]),
    toolCalls: jsonb("tool_calls").$type<MessageToolCall[]>().notNull().default([]),
    provider: text("provider"),
    model: text("model"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    latencyMs: integer("latency_ms"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    /** The operator who wrote an operator message or internal note. */
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    /** Visitor feedback on an assistant answer: 1 thumbs up, -1 thumbs down. */
    feedback: integer("feedback"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("messages_conversation_idx").on(t.conversationId, t.seq)],
);

export const leads = pgTable(
  "leads",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    agentId: text("agent_id").references(() => agents.id, { onDelete: "set null" }),
    /** new | contacted | qualified | won | lost */
    status: text("status").notNull().default("new"),
    /** What the visitor asked to be told, as the agent captured it. The team's notes are lead_notes. */
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    statusChangedAt: timestamp("status_changed_at", { withTimezone: true }),
  },
  (t) => [
    index("leads_ws_idx").on(t.workspaceId, t.createdAt),
    // A contact's leads (contact page, merge, and the cascade when a merged contact goes).
    index("leads_contact_idx").on(t.contactId),
  ],
);

/** The team's notes on a lead, newest first. Kept when the author leaves (author_id set null). */
export const leadNotes = pgTable(
  "lead_notes",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    leadId: text("lead_id")
      .notNull()
      .references(() => leads.id, { onDelete: "cascade" }),
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("lead_notes_lead_idx").on(t.leadId, t.createdAt)],
);

/** Prices the platform admin set; models without a row use the shipped defaults in code. */
export const modelPrices = pgTable(
  "model_prices",
  {
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    inputPerMillion: doublePrecision("input_per_million").notNull(),
    outputPerMillion: doublePrecision("output_per_million").notNull(),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.model] })],
);

/** Per workspace, day, agent and model: what answers cost. Upserted with each answer. */
export const usageDaily = pgTable(
  "usage_daily",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    agentId: text("agent_id").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    messages: integer("messages").notNull().default(0),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.agentId, t.provider, t.model] })],
);

/** Saved replies operators insert with `/shortcut` in the inbox composer. */
export const cannedResponses = pgTable(
  "canned_responses",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    shortcut: text("shortcut").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("canned_responses_ws_shortcut_idx").on(t.workspaceId, sql`lower(${t.shortcut})`)],
);
