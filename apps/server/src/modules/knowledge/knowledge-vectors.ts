import type { TEmbeddingChoice } from "@minichat/contracts";
import type { Config } from "../../platform/config.ts";
import type { KeyRing } from "../../platform/crypto.ts";
import type { Database, Db } from "../../platform/db/client.ts";
import type { Jobs } from "../../platform/jobs.ts";
import type { Logger } from "../../platform/types.ts";
import { providerInfo } from "../providers/catalogue.ts";
import { findCredential } from "../providers/credentials.repo.ts";
import { credentialContext } from "../providers/model-resolver.ts";
import { createEmbeddingModel, createTextEmbedder, type TextEmbedder } from "./embedding-model.ts";
import { findKnowledgeSettings } from "./knowledge-settings.repo.ts";
import { createDimensionIndex, createVectorSchema } from "./vector-store.ts";

/** A workspace's embedding model, ready to use. `key` tags its vectors ("openai:text-embedding-3-small"). */
export type Embedder = {
  key: string;
  choice: TEmbeddingChoice & { source: "workspace" | "platform" };
  /** For passages: batched, retried like a chat call. */
  embed: TextEmbedder;
  /**
   * For a search: one try, at most 10 s. A visitor waiting for an answer is better served by
   * lexical results now than by meaning after a minute of retries.
   */
  embedQuery: (query: string) => Promise<number[]>;
};

export type EmbeddingResolution =
  | { choice: Embedder["choice"]; embedder: Embedder; problem: null }
  /** A model is chosen but its provider is not configured (its credentials were removed, say). */
  | { choice: Embedder["choice"]; embedder: null; problem: string }
  | null;

export type KnowledgeVectorsDeps = {
  database: Database;
  config: Config;
  keyRing: KeyRing;
  /** SSRF-guarded fetch for the base URLs a workspace entered; the platform's are the operator's. */
  outboundFetch: typeof fetch;
  logger: Logger;
  /** Where re-embedding runs in the background; without it, it runs at once. */
  jobs?: Jobs | undefined;
  /** Delay before the first retry of a failed embedding call (tests shorten it). */
  retryInitialDelayMs?: number | undefined;
};

/**
 * Everything semantic search needs, shared by ingestion, re-embedding, search and the settings
 * route. With `enabled` false (PostgreSQL without pgvector) no embedding model is ever called
 * and nothing touches the vector table: search stays lexical.
 */
export type KnowledgeVectors = {
  enabled: boolean;
  db: Db;
  logger: Logger;
  jobs: Jobs | undefined;
  config: Config;
  /** The model a workspace's knowledge is embedded with now: its own choice, else the platform's. */
  resolve(workspaceId: string): Promise<EmbeddingResolution>;
  /** What a choice would resolve to, before it is saved (the settings route checks it). */
  forChoice(workspaceId: string, choice: Embedder["choice"]): Promise<EmbeddingResolution>;
  embedderFor(workspaceId: string): Promise<Embedder | null>;
  /** Makes sure the vector table exists (once per process); tells whether iterative scans work. */
  ready(): Promise<{ iterativeScan: boolean }>;
  /** Makes sure vectors of this size have their index (once per size and process). */
  prepare(dims: number): Promise<void>;
};

export function createKnowledgeVectors(deps: KnowledgeVectorsDeps): KnowledgeVectors {
  const { database, config } = deps;
  let schema: Promise<{ iterativeScan: boolean }> | undefined;
  const indexed = new Map<number, Promise<void>>();

  const ready = () => {
    // A failed attempt (the database was briefly away) is tried again next time.
    schema ??= createVectorSchema(database).catch((err: unknown) => {
      schema = undefined;
      throw err;
    });
    return schema;
  };

  function embedder(
    choice: Embedder["choice"],
    settings: { apiKey?: string | undefined; baseUrl?: string | undefined; fetch?: typeof fetch },
  ): Embedder {
    const model = createEmbeddingModel(
      choice.provider,
      {
        apiKey: settings.apiKey,
        baseUrl: settings.baseUrl,
        ...(settings.fetch ? { fetch: settings.fetch } : {}),
      },
      choice.model,
    );
    const embedQuery = createTextEmbedder(model, {
      batchSize: 1,
      retries: 0,
      timeoutMs: Math.min(config.llm.timeoutMs, 10_000),
    });
    return {
      key: `${choice.provider}:${choice.model}`,
      choice,
      embed: createTextEmbedder(model, {
        batchSize: config.embedding.batchSize,
        retries: config.llm.maxRetries,
        timeoutMs: config.llm.timeoutMs,
        retryInitialDelayMs: deps.retryInitialDelayMs,
      }),
      embedQuery: async (query) => (await embedQuery([query]))[0]!,
    };
  }

  /** A chosen model with the workspace's own credentials for its provider, else the platform's. */
  async function forChoice(workspaceId: string, choice: Embedder["choice"]): Promise<EmbeddingResolution> {
    if (choice.source === "workspace") {
      const row = await findCredential(database.db, workspaceId, choice.provider);
      if (row) {
        const apiKey = row.apiKeySealed
          ? deps.keyRing.open(row.apiKeySealed, credentialContext(workspaceId, choice.provider))
          : undefined;
        const e = embedder(choice, { apiKey, baseUrl: row.baseUrl ?? undefined, fetch: deps.outboundFetch });
        return { choice, embedder: e, problem: null };
      }
    }
    const env = config.providers[choice.provider];
    if (env) return { choice, embedder: embedder(choice, env), problem: null };
    const label = providerInfo(choice.provider)?.label ?? choice.provider;
    return {
      choice,
      embedder: null,
      problem: `${label} is not configured: add its credentials in the workspace's providers first`,
    };
  }

  async function resolve(workspaceId: string): Promise<EmbeddingResolution> {
    const settings = await findKnowledgeSettings(database.db, workspaceId);
    if (settings?.embeddingProvider && settings.embeddingModel) {
      return forChoice(workspaceId, {
        provider: settings.embeddingProvider as TEmbeddingChoice["provider"],
        model: settings.embeddingModel,
        source: "workspace",
      });
    }
    const platform = config.embedding.model;
    return platform ? forChoice(workspaceId, { ...platform, source: "platform" }) : null;
  }

  return {
    enabled: database.vectorAvailable,
    db: database.db,
    logger: deps.logger,
    jobs: deps.jobs,
    config,
    resolve,
    forChoice,
    async embedderFor(workspaceId) {
      if (!database.vectorAvailable) return null;
      return (await resolve(workspaceId))?.embedder ?? null;
    },
    ready,
    async prepare(dims) {
      await ready();
      let made = indexed.get(dims);
      if (!made) {
        made = createDimensionIndex(database, dims).catch((err: unknown) => {
          indexed.delete(dims);
          throw err;
        });
        indexed.set(dims, made);
      }
      await made;
    },
  };
}
