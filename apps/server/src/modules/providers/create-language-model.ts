import { createAnthropic } from "@ai-sdk/anthropic";
import { createDeepSeek } from "@ai-sdk/deepseek";
import { createGoogle } from "@ai-sdk/google";
import { createGroq } from "@ai-sdk/groq";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import type { LanguageModel } from "ai";
import { createOllama } from "ollama-ai-provider-v2";
import type { LlmProviderId } from "../../platform/config.ts";

export type ProviderSettings = {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  fetch?: typeof fetch;
};

/** Our settings as every AI SDK provider factory takes them (only the ones that are set). */
export function sdkSettings(s: ProviderSettings) {
  return {
    ...(s.apiKey ? { apiKey: s.apiKey } : {}),
    ...(s.baseUrl ? { baseURL: s.baseUrl } : {}),
    ...(s.fetch ? { fetch: s.fetch } : {}),
  };
}

/** The one place that knows which AI SDK package serves which provider. */
export function createLanguageModel(
  provider: LlmProviderId,
  s: ProviderSettings,
  modelId: string,
): LanguageModel {
  const common = sdkSettings(s);
  switch (provider) {
    // Chat Completions rather than the Responses API: it is what OpenAI-compatible servers and
    // proxies speak too, so one code path covers them all.
    case "openai":
      return createOpenAI(common).chat(modelId);
    case "anthropic":
      return createAnthropic(common)(modelId);
    case "google":
      return createGoogle(common)(modelId);
    case "groq":
      return createGroq(common)(modelId);
    case "openrouter":
      return createOpenRouter({ ...common, compatibility: "strict" }).chat(modelId);
    case "deepseek":
      return createDeepSeek(common)(modelId);
    case "ollama":
      return createOllama(common)(modelId);
    case "openai-compatible":
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: s.baseUrl ?? "",
        ...(s.apiKey ? { apiKey: s.apiKey } : {}),
        ...(s.fetch ? { fetch: s.fetch } : {}),
        includeUsage: true,
      })(modelId);
  }
}
