import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { users, workspaces } from "./auth.ts";

export type QuickAnswer = { question: string; answer: string };

/** How the widget looks and behaves on the host site (all optional; the widget has defaults). */
export type WidgetSettings = {
  color?: string;
  position?: "bottom-right" | "bottom-left";
  theme?: "light" | "dark" | "auto";
  avatarUrl?: string | null;
  /** Name shown in the panel header; the agent's name when unset. */
  displayName?: string | null;
  /** Language when the visitor's browser asks for none we speak. */
  defaultLocale?: "en" | "th" | "ru";
  /** Ask for name and email before the first message. */
  requireContactForm?: boolean;
  /** Open with a greeting after `delaySeconds` on pages whose URL matches one of `urlPatterns`. */
  proactive?: { enabled: boolean; delaySeconds: number; urlPatterns: string[]; message: string | null };
};

/** An AI agent of a workspace: its prompt, model settings and public identity for the widget. */
export const agents = pgTable(
  "agents",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    instructions: text("instructions").notNull().default(""),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    temperature: real("temperature").notNull().default(0.3),
    maxTokens: integer("max_tokens").notNull().default(1024),
    fallbackProvider: text("fallback_provider"),
    fallbackModel: text("fallback_model"),
    welcomeMessage: text("welcome_message"),
    suggestedQuestions: text("suggested_questions").array().notNull().default(sql`'{}'::text[]`),
    quickAnswers: jsonb("quick_answers").$type<QuickAnswer[]>().notNull().default([]),
    language: text("language").notNull().default("auto"),
    unknownAnswerBehaviour: text("unknown_answer_behaviour").notNull().default("say-so"),
    /** Public identifier the widget embeds; rotating it invalidates old embeds. */
    publicKey: text("public_key").notNull().unique(),
    status: text("status").notNull().default("draft"),
    widget: jsonb("widget").$type<WidgetSettings>().notNull().default({}),
    /** Origins the widget may be embedded on (`https://shop.example`); empty = anywhere. */
    allowedOrigins: text("allowed_origins").array().notNull().default(sql`'{}'::text[]`),
    /** Sealed HMAC secret for identity verification of signed-in visitors (null = off). */
    identitySecret: text("identity_secret"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("agents_workspace_idx").on(t.workspaceId, t.createdAt)],
);

/** A custom HTTP action the agent's model may call as a tool. Header values are sealed. */
export const agentActions = pgTable(
  "agent_actions",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull(),
    parameters: jsonb("parameters").$type<Record<string, unknown>>().notNull(),
    method: text("method").notNull(),
    url: text("url").notNull(),
    /** JSON object of header name → value, sealed with the key ring as one value. */
    headersSealed: text("headers_sealed"),
    headerNames: text("header_names").array().notNull().default(sql`'{}'::text[]`),
    timeoutMs: integer("timeout_ms").notNull().default(10_000),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("agent_actions_agent_name_idx").on(t.agentId, t.name), index().on(t.workspaceId)],
);

/** A workspace's own key (or base URL) for an LLM provider. The key is sealed, never returned. */
export const providerCredentials = pgTable(
  "provider_credentials",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    apiKeySealed: text("api_key_sealed"),
    keyHint: text("key_hint"),
    baseUrl: text("base_url"),
    models: text("models").array().notNull().default(sql`'{}'::text[]`),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("provider_credentials_ws_provider_idx").on(t.workspaceId, t.provider)],
);
