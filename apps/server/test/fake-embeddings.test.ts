import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, cosineSimilarity, embedMany } from "ai";
import { createOllama } from "ollama-ai-provider-v2";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeEmbeddingsServer, startFakeEmbeddings } from "./fake-embeddings.ts";

// Proves the fake embeddings server speaks the real protocols: every check goes through an
// official client (the AI SDK providers, `ollama-ai-provider-v2`, the `openai` package).

let fake: FakeEmbeddingsServer;
beforeAll(async () => {
  fake = await startFakeEmbeddings({ apiKey: "sk-fake", dimensions: { "big-embed": 96 } });
});
afterAll(async () => fake?.close());

const TEXTS = ["Dogs are welcome on the terrace.", "Can I bring my puppy?", "We deliver coffee beans."];

describe("fake embeddings server", () => {
  it("serves the AI SDK's OpenAI, OpenAI-compatible and Ollama providers, with meaningful vectors", async () => {
    const models = [
      createOpenAI({ apiKey: "sk-fake", baseURL: fake.openaiUrl }).embedding("small-embed"),
      createOpenAICompatible({ name: "x", apiKey: "sk-fake", baseURL: fake.openaiUrl }).embeddingModel(
        "small-embed",
      ),
      createOllama({ baseURL: fake.ollamaUrl, headers: { authorization: "Bearer sk-fake" } }).embedding(
        "small-embed",
      ),
    ];
    for (const model of models) {
      const { embeddings } = await embedMany({ model, values: TEXTS, maxRetries: 0 });
      expect(embeddings.map((e) => e.length)).toEqual([64, 64, 64]);
      const [dogs, puppy, coffee] = embeddings as [number[], number[], number[]];
      // The paraphrase is close; the unrelated text is not.
      expect(cosineSimilarity(dogs, puppy)).toBeGreaterThan(0.6);
      expect(Math.abs(cosineSimilarity(dogs, coffee))).toBeLessThan(0.3);
    }
    expect(fake.requests.at(-1)).toMatchObject({ api: "ollama", model: "small-embed", inputs: TEXTS });
  });

  it("answers the openai package's base64 encoding with the same vectors, and sizes vectors per model", async () => {
    const client = new OpenAI({ apiKey: "sk-fake", baseURL: fake.openaiUrl });
    const res = await client.embeddings.create({ model: "small-embed", input: TEXTS });
    expect(fake.requests.at(-1)?.encodingFormat).toBe("base64");
    const viaSdk = await embedMany({
      model: createOpenAI({ apiKey: "sk-fake", baseURL: fake.openaiUrl }).embedding("small-embed"),
      values: TEXTS,
    });
    expect(fake.requests.at(-1)?.encodingFormat).toBe("float");
    res.data.forEach((d, i) => {
      expect(d.embedding).toHaveLength(64);
      d.embedding.forEach((x, j) => {
        expect(x).toBeCloseTo(viaSdk.embeddings[i]![j]!, 5);
      });
    });
    const big = await client.embeddings.create({ model: "big-embed", input: "hello" });
    expect(big.data[0]!.embedding).toHaveLength(96);
  });

  it("refuses a wrong key and fails on demand in the provider's error format", async () => {
    const model = (key: string) =>
      createOpenAI({ apiKey: key, baseURL: fake.openaiUrl }).embedding("small-embed");
    const wrong = await embedMany({ model: model("sk-wrong"), values: ["x"], maxRetries: 0 }).catch((e) => e);
    expect(APICallError.isInstance(wrong) && wrong.statusCode).toBe(401);
    expect(wrong.message).toMatch(/Incorrect API key/);

    fake.failNext(1, 503);
    const failed = await embedMany({ model: model("sk-fake"), values: ["x"], maxRetries: 0 }).catch((e) => e);
    expect(APICallError.isInstance(failed) && failed.isRetryable).toBe(true);
    const ok = await embedMany({ model: model("sk-fake"), values: ["x"], maxRetries: 0 });
    expect(ok.embeddings).toHaveLength(1);
  });
});
