import { z } from "zod";
import { ZId } from "./common.ts";

const ZName = z.string().trim().min(1, "name is required").max(200);
const ZPlainText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes("\u0000"), "must not contain NUL characters");

export const ZCreateSourceRequest = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("text"),
      name: ZName,
      text: ZPlainText(2_000_000).refine((s) => s.trim().length > 0, "text is empty"),
    }),
    z.strictObject({
      type: z.literal("qa"),
      name: ZName.default("Q&A"),
      pairs: z
        .array(
          z.strictObject({
            question: ZPlainText(1000).refine((s) => s.trim().length > 0, "question is empty"),
            answer: ZPlainText(10_000).refine((s) => s.trim().length > 0, "answer is empty"),
          }),
        )
        .min(1, "add at least one pair")
        .max(2000),
    }),
    z.strictObject({
      type: z.literal("url"),
      name: ZName.optional().meta({ description: "Defaults to the site's address" }),
      url: z
        .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
        .max(2000)
        .meta({ description: "A page, a sitemap.xml, or where a crawl starts" }),
      mode: z.enum(["page", "sitemap", "crawl"]).default("page").meta({
        description:
          "page: this page only; sitemap: the pages a sitemap lists; crawl: follow links on the same site",
      }),
      maxPages: z.number().int().min(1).max(10_000).optional().meta({
        description: "Most pages to read (sitemap and crawl); capped by the server's limit",
      }),
    }),
  ])
  .meta({
    description:
      "Pasted text, Q&A pairs or a website. Files are uploaded as multipart/form-data with a `file` field (and an optional `name`).",
  });
export type TCreateSourceRequest = z.infer<typeof ZCreateSourceRequest>;

export const ZSourceStatus = z.enum(["queued", "processing", "ready", "failed"]);
export const ZSource = z
  .object({
    id: ZId("src"),
    agentId: ZId("agt"),
    type: z.enum(["text", "qa", "file", "url"]),
    name: z.string(),
    origin: z.string().nullable().meta({ description: "The uploaded file's name or the website's address" }),
    status: ZSourceStatus,
    error: z.string().nullable().meta({ description: "Why the source failed, in plain words" }),
    sizeBytes: z.number().int(),
    chunkCount: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    readyAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "KnowledgeSource" });
export type TSource = z.infer<typeof ZSource>;
export const ZSourceList = z.object({
  sources: z.array(ZSource),
  limits: z
    .object({
      maxFileBytes: z.number().int().meta({ description: "Largest file an upload may be" }),
      maxCrawlPages: z.number().int().meta({ description: "Most pages a sitemap or crawl reads" }),
    })
    .meta({ description: "What a new source may be, so a client can say so before uploading" }),
});
export const ZSourceParams = z.strictObject({
  workspaceId: ZId("ws"),
  agentId: ZId("agt"),
  sourceId: ZId("src"),
});

export const ZKnowledgeSearchRequest = z.strictObject({
  query: z.string().trim().min(1, "query is empty").max(1000),
  limit: z.number().int().min(1).max(20).default(5),
});
export const ZKnowledgeSearchResult = z
  .object({
    results: z.array(
      z.object({
        sourceId: z.string(),
        sourceName: z.string(),
        chunkId: z.string(),
        content: z.string(),
        heading: z.string().nullable(),
        location: z
          .string()
          .nullable()
          .meta({ description: "Where in the source: a page's URL, a PDF page, a CSV row" }),
        score: z.number().meta({
          description:
            "0..1: share of the query's terms the passage matched, or (semantic search) its similarity in meaning; the higher of the two",
        }),
      }),
    ),
  })
  .meta({ id: "KnowledgeSearchResult" });

export const ZKnowledgeGapsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const ZResolveKnowledgeGapRequest = z.strictObject({
  question: z.string().trim().min(1, "question is empty").max(1000).meta({
    description: "The gap's question as listed; every wording that groups with it is resolved",
  }),
});
export type TResolveKnowledgeGapRequest = z.infer<typeof ZResolveKnowledgeGapRequest>;

export const ZKnowledgeGaps = z
  .object({
    gaps: z.array(
      z.object({
        question: z.string().meta({ description: "The latest wording of the question" }),
        count: z.number().int().meta({ description: "How often it was asked" }),
        lastAskedAt: z.iso.datetime(),
        conversationIds: z.array(z.string()).meta({ description: "Up to five conversations it came from" }),
      }),
    ),
  })
  .meta({ id: "KnowledgeGaps" });

/** Providers MiniChat can compute embeddings with (semantic search). */
export const EMBEDDING_PROVIDERS = ["openai", "ollama", "openai-compatible"] as const;
export const ZEmbeddingProviderId = z.enum(EMBEDDING_PROVIDERS);
export type TEmbeddingProviderId = z.infer<typeof ZEmbeddingProviderId>;

export const ZEmbeddingChoice = z.strictObject({
  provider: ZEmbeddingProviderId,
  model: z.string().trim().min(1, "model is required").max(200).meta({ example: "text-embedding-3-small" }),
});
export type TEmbeddingChoice = z.infer<typeof ZEmbeddingChoice>;

export const ZUpdateKnowledgeSettingsRequest = z.strictObject({
  embedding: ZEmbeddingChoice.nullable().meta({
    description:
      "The embedding model for semantic search, using the workspace's credentials for that provider (or the platform's). null: use the platform's default, if any.",
  }),
});
export type TUpdateKnowledgeSettingsRequest = z.infer<typeof ZUpdateKnowledgeSettingsRequest>;

export const ZKnowledgeSettings = z
  .object({
    embedding: ZEmbeddingChoice.nullable().meta({ description: "The workspace's own choice; null: none" }),
    effective: ZEmbeddingChoice.extend({ source: z.enum(["workspace", "platform"]) })
      .nullable()
      .meta({
        description:
          "The model passages are embedded with (when semanticSearch is on); null: none is configured, or its provider is not",
      }),
    semanticSearch: z.enum(["on", "off", "unavailable"]).meta({
      description:
        "on: passages are embedded and searched by meaning too; off: no embedding model; unavailable: the database lacks pgvector (search stays lexical)",
    }),
    dimensions: z
      .number()
      .int()
      .nullable()
      .meta({ description: "Vector size of the current model, once known" }),
    embeddedChunks: z.number().int().meta({ description: "Passages embedded with the current model" }),
    totalChunks: z.number().int(),
    lastError: z.string().nullable().meta({
      description: "Why embedding last failed (cleared once it works again); search stays lexical meanwhile",
    }),
  })
  .meta({ id: "KnowledgeSettings" });
export type TKnowledgeSettings = z.infer<typeof ZKnowledgeSettings>;
