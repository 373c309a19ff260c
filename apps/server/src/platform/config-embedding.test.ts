import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

// The platform's embedding model (semantic knowledge search). Explicit env objects only.

const base = {
  SECRET_KEY: "a-perfectly-fine-secret-key-0123456789-abcdef",
  DATA_DIR: "/tmp/minichat-config-test",
};
const message = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig: embeddings", () => {
  it("has no platform model and batches of 64 by default", () => {
    expect(loadConfig(base).embedding).toEqual({ model: undefined, batchSize: 64 });
  });

  it("reads EMBEDDING_MODEL as provider:model (the model may contain colons) and the batch size", () => {
    const config = loadConfig({
      ...base,
      OLLAMA_BASE_URL: "http://127.0.0.1:11434/api",
      EMBEDDING_MODEL: "ollama:nomic-embed-text:v1.5",
      EMBEDDING_BATCH_SIZE: "16",
    });
    expect(config.embedding).toEqual({
      model: { provider: "ollama", model: "nomic-embed-text:v1.5" },
      batchSize: 16,
    });
  });

  it("names the variable when the provider is unknown, not configured, or the batch size is off", () => {
    expect(message({ EMBEDDING_MODEL: "text-embedding-3-small" })).toMatch(
      /^Invalid environment variable EMBEDDING_MODEL: must be "provider:model"/,
    );
    expect(message({ EMBEDDING_MODEL: "anthropic:x", ANTHROPIC_API_KEY: "k" })).toBe(
      'Invalid environment variable EMBEDDING_MODEL: unknown provider "anthropic" (use one of openai, ollama, openai-compatible)',
    );
    expect(message({ EMBEDDING_MODEL: "openai:text-embedding-3-small" })).toBe(
      "Invalid environment variable EMBEDDING_MODEL: openai is not configured (set OPENAI_API_KEY)",
    );
    expect(message({ EMBEDDING_BATCH_SIZE: "0" })).toMatch(
      /^Invalid environment variable EMBEDDING_BATCH_SIZE/,
    );
  });
});
