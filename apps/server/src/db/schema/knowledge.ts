import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { users, workspaces } from "./auth.ts";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/** Something an agent knows from: pasted text, Q&A pairs, an uploaded file or a website. */
export const knowledgeSources = pgTable(
  "knowledge_sources",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    name: text("name").notNull(),
    /** queued | processing | ready | failed */
    status: text("status").notNull().default("queued"),
    error: text("error"),
    /** What was submitted (text, pairs, file name and type, URL and mode), kept so a source can be re-synced. */
    input: jsonb("input").$type<Record<string, unknown>>().notNull(),
    checksum: text("checksum").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    chunkCount: integer("chunk_count").notNull().default(0),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
  },
  (t) => [
    index("knowledge_sources_agent_idx").on(t.workspaceId, t.agentId),
    // The same content twice for one agent is a duplicate, not a second source.
    uniqueIndex("knowledge_sources_agent_checksum_idx").on(t.agentId, t.checksum),
  ],
);

/** A retrievable passage of a source, indexed for full-text search in its language's config. */
export const knowledgeChunks = pgTable(
  "knowledge_chunks",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    sourceId: text("source_id")
      .notNull()
      .references(() => knowledgeSources.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    headingPath: text("heading_path").array().notNull().default(sql`'{}'::text[]`),
    /** Where in the source the passage is: a web page's URL, "page 3" of a PDF, a CSV row. */
    location: text("location"),
    content: text("content").notNull(),
    /** english | russian | simple: the text-search configuration the chunk was indexed with. */
    ftsConfig: text("fts_config").notNull(),
    tsv: tsvector("tsv").notNull(),
    tokens: integer("tokens").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Written straight into the index, not through GIN's pending list: a search would otherwise
    // scan up to 4 MB of pending entries, and the planner, pricing that in, falls back to reading
    // every chunk of the agent.
    index("knowledge_chunks_tsv_idx").using("gin", t.tsv).with({ fastupdate: false }),
    index("knowledge_chunks_agent_idx").on(t.workspaceId, t.agentId),
    index("knowledge_chunks_source_idx").on(t.sourceId, t.position),
  ],
);

/**
 * The bytes of an uploaded file, kept apart from the source row (listing sources never reads
 * them) and in the database so any worker node can parse or re-sync it.
 */
export const knowledgeFiles = pgTable("knowledge_files", {
  sourceId: text("source_id")
    .primaryKey()
    .references(() => knowledgeSources.id, { onDelete: "cascade" }),
  workspaceId: text("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  filename: text("filename").notNull(),
  /** The type found by reading the content (pdf, docx, csv, html, markdown, text). */
  kind: text("kind").notNull(),
  sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
  content: bytea("content").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A visitor question the agent's knowledge had nothing relevant for: what to write next. */
export const knowledgeGaps = pgTable(
  "knowledge_gaps",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id"),
    question: text("question").notNull(),
    /** Lower-cased, whitespace-collapsed: the same question asked twice groups together. */
    normalized: text("normalized").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("knowledge_gaps_agent_idx").on(t.workspaceId, t.agentId, t.normalized)],
);

/**
 * A workspace's knowledge settings: its own embedding model (null: the platform's, if any) and
 * why embedding last failed. The vectors themselves live in `knowledge_embeddings`, which is
 * created at runtime (vector-store.ts) because it needs pgvector and migrations must not.
 */
export const knowledgeSettings = pgTable("knowledge_settings", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  embeddingProvider: text("embedding_provider"),
  embeddingModel: text("embedding_model"),
  embeddingError: text("embedding_error"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
