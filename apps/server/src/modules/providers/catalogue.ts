import { BUILTIN_MODEL_LABEL, type TProviderId } from "@minichat/contracts";

// What MiniChat knows about each provider before anyone configures it: a display name, what
// credentials it needs and a starter list of models with list prices (USD per million
// tokens). Prices are defaults for cost estimates; the platform admin can override them.

export type ModelInfo = { id: string; label: string; input: number; output: number };
export type ProviderInfo = {
  id: TProviderId;
  label: string;
  needsApiKey: boolean;
  needsBaseUrl: boolean;
  /** Models beyond the list can be used (the provider serves many, or the server is self-hosted). */
  acceptsAnyModel: boolean;
  defaultBaseUrl: string | null;
  models: ModelInfo[];
};

const m = (id: string, input: number, output: number, label = id): ModelInfo => ({
  id,
  label,
  input,
  output,
});

export const CATALOGUE: ProviderInfo[] = [
  {
    id: "builtin",
    label: BUILTIN_MODEL_LABEL,
    needsApiKey: false,
    needsBaseUrl: false,
    acceptsAnyModel: false,
    defaultBaseUrl: null,
    models: [m("builtin", 0, 0, BUILTIN_MODEL_LABEL)],
  },
  {
    id: "openai",
    label: "OpenAI",
    needsApiKey: true,
    needsBaseUrl: false,
    acceptsAnyModel: true,
    defaultBaseUrl: "https://api.openai.com/v1",
    models: [
      m("gpt-4o-mini", 0.15, 0.6),
      m("gpt-4o", 2.5, 10),
      m("gpt-4.1-mini", 0.4, 1.6),
      m("gpt-4.1-nano", 0.1, 0.4),
      m("gpt-4.1", 2, 8),
      m("gpt-5-mini", 0.25, 2),
      m("gpt-5-nano", 0.05, 0.4),
      m("gpt-5", 1.25, 10),
    ],
  },
  {
    id: "anthropic",
    label: "Anthropic",
    needsApiKey: true,
    needsBaseUrl: false,
    acceptsAnyModel: true,
    defaultBaseUrl: "https://api.anthropic.com/v1",
    models: [
      m("claude-3-5-haiku-latest", 0.8, 4),
      m("claude-haiku-4-5", 1, 5),
      m("claude-sonnet-4-5", 3, 15),
      m("claude-opus-4-1", 15, 75),
    ],
  },
  {
    id: "google",
    label: "Google Gemini",
    needsApiKey: true,
    needsBaseUrl: false,
    acceptsAnyModel: true,
    defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta",
    models: [m("gemini-2.0-flash", 0.1, 0.4), m("gemini-2.5-flash", 0.3, 2.5), m("gemini-2.5-pro", 1.25, 10)],
  },
  {
    id: "groq",
    label: "Groq",
    needsApiKey: true,
    needsBaseUrl: false,
    acceptsAnyModel: true,
    defaultBaseUrl: "https://api.groq.com/openai/v1",
    models: [m("llama-3.1-8b-instant", 0.05, 0.08), m("llama-3.3-70b-versatile", 0.59, 0.79)],
  },
  {
    id: "openrouter",
    label: "OpenRouter",
    needsApiKey: true,
    needsBaseUrl: false,
    acceptsAnyModel: true,
    defaultBaseUrl: "https://openrouter.ai/api/v1",
    models: [m("openai/gpt-4o-mini", 0.15, 0.6), m("anthropic/claude-3.5-haiku", 0.8, 4)],
  },
  {
    id: "deepseek",
    label: "DeepSeek",
    needsApiKey: true,
    needsBaseUrl: false,
    acceptsAnyModel: true,
    defaultBaseUrl: "https://api.deepseek.com/v1",
    models: [m("deepseek-chat", 0.27, 1.1), m("deepseek-reasoner", 0.55, 2.19)],
  },
  {
    id: "ollama",
    label: "Ollama (self-hosted)",
    needsApiKey: false,
    needsBaseUrl: true,
    acceptsAnyModel: true,
    defaultBaseUrl: "http://127.0.0.1:11434/api",
    models: [m("llama3.2", 0, 0), m("qwen2.5", 0, 0)],
  },
  {
    id: "openai-compatible",
    label: "OpenAI-compatible server (vLLM, LM Studio, …)",
    needsApiKey: false,
    needsBaseUrl: true,
    acceptsAnyModel: true,
    defaultBaseUrl: null,
    models: [],
  },
];

const byId = new Map(CATALOGUE.map((p) => [p.id, p]));

export function providerInfo(id: string): ProviderInfo | undefined {
  return byId.get(id as TProviderId);
}

/** The name people see for a model: builtin gets its plain-language label. */
export function modelLabel(provider: string, model: string): string {
  if (provider === "builtin") return BUILTIN_MODEL_LABEL;
  const known = byId.get(provider as TProviderId)?.models.find((x) => x.id === model);
  return `${byId.get(provider as TProviderId)?.label ?? provider} · ${known?.label ?? model}`;
}
