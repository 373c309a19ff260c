import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { EMBEDDING_PROVIDERS, type TEmbeddingChoice } from "@minichat/contracts";
import { z } from "zod";

// The only module that reads the environment. Everything else receives a `Config`.

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

const url = (protocols: string[]) =>
  z.url({
    protocol: new RegExp(`^(${protocols.join("|")})$`),
    error: `must be a ${protocols.join(" or ")} URL`,
  });

const secretKey = z
  .string()
  .min(32, "must be at least 32 characters (generate one with: openssl rand -base64 48)");

export const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: url(["postgres", "postgresql"]).optional(),
  REDIS_URL: url(["redis", "rediss"]).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,40}$/, "letters, digits and : . - _ only")
    .default("mc:"),
  BASE_URL: url(["http", "https"]).optional(),
  SECRET_KEY: secretKey.optional(),
  PREVIOUS_SECRET_KEYS: list.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  CORS_ORIGINS: list.optional(),
  SMTP_URL: url(["smtp", "smtps"]).optional(),
  EMAIL_FROM: z.string().min(3).default("MiniChat <no-reply@minichat.local>"),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(20),
  LOGIN_FAILURES_MAX: z.coerce.number().int().min(1).default(5),
  LOGIN_FAILURES_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  REQUIRE_EMAIL_VERIFICATION: bool.default(false),
  TRUST_PROXY: bool.default(false),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(25),
  ALLOW_PRIVATE_URLS: list.optional(),
  MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).max(100_000).default(4000),
  WIDGET_VISITOR_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  WIDGET_IP_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  MAX_AGENTS_PER_WORKSPACE: z.coerce.number().int().min(1).default(100),
  DEFAULT_PLAN: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/)
    .optional(),
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(7),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_/, "must start with sk_ or rk_")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_/, "must start with whsec_")
    .optional(),
  STRIPE_API_URL: url(["http", "https"]).optional(),
  LEMONSQUEEZY_API_KEY: z.string().min(10).optional(),
  LEMONSQUEEZY_STORE_ID: z.string().regex(/^\d+$/, "must be the numeric store id").optional(),
  LEMONSQUEEZY_WEBHOOK_SECRET: z.string().min(6).optional(),
  LEMONSQUEEZY_API_URL: url(["http", "https"]).optional(),
  KNOWLEDGE_MAX_BYTES_PER_WORKSPACE: z.coerce
    .number()
    .int()
    .min(1024)
    .default(200 * 1024 * 1024),
  KNOWLEDGE_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  KNOWLEDGE_MAX_CRAWL_PAGES: z.coerce.number().int().min(1).max(10_000).default(50),
  KNOWLEDGE_FETCH_TIMEOUT_SECONDS: z.coerce.number().min(0.05).max(300).default(15),
  DEFAULT_AGENT_MODEL: z
    .string()
    .regex(/^[a-z-]+:.+$/, 'must be "provider:model", e.g. openai:gpt-4o-mini')
    .optional(),
  LLM_TIMEOUT_SECONDS: z.coerce.number().min(0.05).default(30),
  LLM_IDLE_TIMEOUT_SECONDS: z.coerce.number().min(0.05).default(30),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  LLM_BREAKER_THRESHOLD: z.coerce.number().int().min(1).default(5),
  LLM_BREAKER_COOLDOWN_SECONDS: z.coerce.number().min(0.05).default(30),
  EMBEDDING_MODEL: z
    .string()
    .regex(/^[a-z-]+:.+$/, 'must be "provider:model", e.g. openai:text-embedding-3-small')
    .optional(),
  EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(64),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: url(["http", "https"]).optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: url(["http", "https"]).optional(),
  GOOGLE_GENERATIVE_AI_API_KEY: z.string().optional(),
  GOOGLE_BASE_URL: url(["http", "https"]).optional(),
  GROQ_API_KEY: z.string().optional(),
  GROQ_BASE_URL: url(["http", "https"]).optional(),
  OPENROUTER_API_KEY: z.string().optional(),
  OPENROUTER_BASE_URL: url(["http", "https"]).optional(),
  DEEPSEEK_API_KEY: z.string().optional(),
  DEEPSEEK_BASE_URL: url(["http", "https"]).optional(),
  OLLAMA_BASE_URL: url(["http", "https"]).optional(),
  OPENAI_COMPATIBLE_BASE_URL: url(["http", "https"]).optional(),
  OPENAI_COMPATIBLE_API_KEY: z.string().optional(),
  OPENAI_COMPATIBLE_MODELS: list.optional(),
});

/** Providers reachable through the AI SDK (`builtin` needs no configuration). */
export const LLM_PROVIDERS = [
  "openai",
  "anthropic",
  "google",
  "groq",
  "openrouter",
  "deepseek",
  "ollama",
  "openai-compatible",
] as const;
export type LlmProviderId = (typeof LLM_PROVIDERS)[number];
/** Platform-wide credentials of one provider, from the environment. */
export type ProviderEnv = { apiKey: string | undefined; baseUrl: string | undefined; models: string[] };

export type Config = {
  env: "development" | "production" | "test";
  mode: "embedded" | "production";
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  baseUrl: string;
  secretKey: string;
  previousSecretKeys: string[];
  logLevel: string;
  corsOrigins: string[];
  smtpUrl: string | undefined;
  emailFrom: string;
  bodyLimitBytes: number;
  rateLimit: { max: number; windowSeconds: number; authMax: number };
  loginFailures: { max: number; windowSeconds: number };
  requireEmailVerification: boolean;
  trustProxy: boolean;
  shutdownTimeoutSeconds: number;
  /** Hosts, IPs or CIDRs that outbound requests (actions, provider URLs) may reach although private. */
  allowPrivateUrls: string[];
  maxMessageChars: number;
  /** Website widget: messages a visitor (per token) and an IP address may send per minute. */
  widgetRateLimit: { perVisitor: number; perIp: number };
  maxAgentsPerWorkspace: number;
  /** The plan of a workspace without a subscription or manual assignment (billing). */
  defaultPlanId: string;
  billing: {
    /** Days a past_due subscription keeps its plan before the default plan's limits apply. */
    graceDays: number;
    /** Stripe, when its secret key is set; `apiUrl` points the SDK elsewhere (tests, proxies). */
    stripe: { secretKey: string; webhookSecret: string | undefined; apiUrl: string | undefined } | undefined;
    /** Lemon Squeezy, when its API key and store are set. */
    lemonSqueezy:
      | { apiKey: string; storeId: string; webhookSecret: string | undefined; apiUrl: string }
      | undefined;
  };
  /** Total size of all knowledge sources of a workspace (plan limits may lower it). */
  knowledgeMaxBytesPerWorkspace: number;
  /** Largest uploaded file, and largest page fetched for a website source. */
  knowledgeMaxFileBytes: number;
  /** Most pages one sitemap or crawl source may read (a request may ask for fewer). */
  knowledgeMaxCrawlPages: number;
  /** How long one web page (or robots.txt, or sitemap) may take to arrive, headers and body. */
  knowledgeFetchTimeoutMs: number;
  /** Provider and model of new agents; builtin unless set or a provider is configured. */
  defaultModel: { provider: string; model: string };
  /** Providers configured platform-wide (only those with a key or base URL). */
  providers: Partial<Record<LlmProviderId, ProviderEnv>>;
  embedding: {
    /** The platform's embedding model (semantic search) for workspaces that chose none. */
    model: TEmbeddingChoice | undefined;
    /** Texts sent in one embedding request. */
    batchSize: number;
  };
  llm: {
    timeoutMs: number;
    idleTimeoutMs: number;
    maxRetries: number;
    breakerThreshold: number;
    breakerCooldownMs: number;
  };
};

export class ConfigError extends Error {}

/** Loads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(file = ".env"): void {
  if (!existsSync(file)) return;
  try {
    process.loadEnvFile(file);
  } catch (err) {
    throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Validates the environment; throws ConfigError with one line naming the bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "not set" (common in .env files and compose files).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ZEnv.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const mode = e.DATABASE_URL ? "production" : "embedded";
  const dataDir = resolve(e.DATA_DIR);
  let secret = e.SECRET_KEY;
  if (!secret) {
    if (mode === "production") {
      throw new ConfigError(
        "Missing environment variable SECRET_KEY: required when DATABASE_URL is set (generate one with: openssl rand -base64 48)",
      );
    }
    secret = readOrCreateSecret(dataDir);
  }
  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  const providers = providersFromEnv(e);
  return {
    env: e.NODE_ENV,
    mode,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    baseUrl,
    secretKey: secret,
    previousSecretKeys: e.PREVIOUS_SECRET_KEYS ?? [],
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.CORS_ORIGINS ?? [new URL(baseUrl).origin],
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    rateLimit: {
      max: e.RATE_LIMIT_MAX,
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      authMax: e.AUTH_RATE_LIMIT_MAX,
    },
    loginFailures: { max: e.LOGIN_FAILURES_MAX, windowSeconds: e.LOGIN_FAILURES_WINDOW_SECONDS },
    requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION,
    trustProxy: e.TRUST_PROXY,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    allowPrivateUrls: e.ALLOW_PRIVATE_URLS ?? [],
    maxMessageChars: e.MAX_MESSAGE_CHARS,
    widgetRateLimit: {
      perVisitor: e.WIDGET_VISITOR_MESSAGES_PER_MINUTE,
      perIp: e.WIDGET_IP_MESSAGES_PER_MINUTE,
    },
    maxAgentsPerWorkspace: e.MAX_AGENTS_PER_WORKSPACE,
    // Tests are about everything but plans, so they run unlimited unless they ask for a plan.
    defaultPlanId: e.DEFAULT_PLAN ?? (e.NODE_ENV === "test" ? "enterprise" : "free"),
    billing: billingFromEnv(e),
    knowledgeMaxBytesPerWorkspace: e.KNOWLEDGE_MAX_BYTES_PER_WORKSPACE,
    knowledgeMaxFileBytes: e.KNOWLEDGE_MAX_FILE_BYTES,
    knowledgeMaxCrawlPages: e.KNOWLEDGE_MAX_CRAWL_PAGES,
    knowledgeFetchTimeoutMs: Math.round(e.KNOWLEDGE_FETCH_TIMEOUT_SECONDS * 1000),
    providers,
    defaultModel: defaultModel(e.DEFAULT_AGENT_MODEL, providers),
    embedding: { model: embeddingModel(e.EMBEDDING_MODEL, providers), batchSize: e.EMBEDDING_BATCH_SIZE },
    llm: {
      timeoutMs: Math.round(e.LLM_TIMEOUT_SECONDS * 1000),
      idleTimeoutMs: Math.round(e.LLM_IDLE_TIMEOUT_SECONDS * 1000),
      maxRetries: e.LLM_MAX_RETRIES,
      breakerThreshold: e.LLM_BREAKER_THRESHOLD,
      breakerCooldownMs: Math.round(e.LLM_BREAKER_COOLDOWN_SECONDS * 1000),
    },
  };
}

type Env = z.infer<typeof ZEnv>;

function billingFromEnv(e: Env): Config["billing"] {
  if (e.LEMONSQUEEZY_API_KEY && !e.LEMONSQUEEZY_STORE_ID) {
    throw new ConfigError(
      "Missing environment variable LEMONSQUEEZY_STORE_ID: required with LEMONSQUEEZY_API_KEY (the number in your store's settings)",
    );
  }
  return {
    graceDays: e.BILLING_GRACE_DAYS,
    stripe: e.STRIPE_SECRET_KEY
      ? { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiUrl: e.STRIPE_API_URL }
      : undefined,
    lemonSqueezy:
      e.LEMONSQUEEZY_API_KEY && e.LEMONSQUEEZY_STORE_ID
        ? {
            apiKey: e.LEMONSQUEEZY_API_KEY,
            storeId: e.LEMONSQUEEZY_STORE_ID,
            webhookSecret: e.LEMONSQUEEZY_WEBHOOK_SECRET,
            apiUrl: (e.LEMONSQUEEZY_API_URL ?? "https://api.lemonsqueezy.com").replace(/\/+$/, ""),
          }
        : undefined,
  };
}

function providersFromEnv(e: Env): Partial<Record<LlmProviderId, ProviderEnv>> {
  const all: Record<LlmProviderId, ProviderEnv> = {
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, models: [] },
    anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL, models: [] },
    google: { apiKey: e.GOOGLE_GENERATIVE_AI_API_KEY, baseUrl: e.GOOGLE_BASE_URL, models: [] },
    groq: { apiKey: e.GROQ_API_KEY, baseUrl: e.GROQ_BASE_URL, models: [] },
    openrouter: { apiKey: e.OPENROUTER_API_KEY, baseUrl: e.OPENROUTER_BASE_URL, models: [] },
    deepseek: { apiKey: e.DEEPSEEK_API_KEY, baseUrl: e.DEEPSEEK_BASE_URL, models: [] },
    ollama: { apiKey: undefined, baseUrl: e.OLLAMA_BASE_URL, models: [] },
    "openai-compatible": {
      apiKey: e.OPENAI_COMPATIBLE_API_KEY,
      baseUrl: e.OPENAI_COMPATIBLE_BASE_URL,
      models: e.OPENAI_COMPATIBLE_MODELS ?? [],
    },
  };
  const out: Partial<Record<LlmProviderId, ProviderEnv>> = {};
  for (const id of LLM_PROVIDERS) {
    const p = all[id];
    // Ollama and OpenAI-compatible servers are identified by their URL; the others by a key.
    const configured = id === "ollama" || id === "openai-compatible" ? p.baseUrl : p.apiKey;
    if (configured) out[id] = p;
  }
  return out;
}

// Model a provider's new agents get when it is the one configured provider.
const STARTER_MODELS: Record<LlmProviderId, string> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-3-5-haiku-latest",
  google: "gemini-2.0-flash",
  groq: "llama-3.1-8b-instant",
  openrouter: "openai/gpt-4o-mini",
  deepseek: "deepseek-chat",
  ollama: "llama3.2",
  "openai-compatible": "default",
};

function defaultModel(
  explicit: string | undefined,
  providers: Partial<Record<LlmProviderId, ProviderEnv>>,
): { provider: string; model: string } {
  if (explicit) {
    const i = explicit.indexOf(":");
    const provider = explicit.slice(0, i);
    if (provider !== "builtin" && !(LLM_PROVIDERS as readonly string[]).includes(provider)) {
      throw new ConfigError(
        `Invalid environment variable DEFAULT_AGENT_MODEL: unknown provider "${provider}" (use builtin or one of ${LLM_PROVIDERS.join(", ")})`,
      );
    }
    return { provider, model: explicit.slice(i + 1) };
  }
  const first = LLM_PROVIDERS.find((id) => providers[id]);
  if (!first) return { provider: "builtin", model: "builtin" };
  const models = providers[first]?.models ?? [];
  return { provider: first, model: models[0] ?? STARTER_MODELS[first] };
}

function embeddingModel(
  value: string | undefined,
  providers: Partial<Record<LlmProviderId, ProviderEnv>>,
): TEmbeddingChoice | undefined {
  if (!value) return undefined;
  const i = value.indexOf(":");
  const provider = value.slice(0, i);
  if (!(EMBEDDING_PROVIDERS as readonly string[]).includes(provider)) {
    throw new ConfigError(
      `Invalid environment variable EMBEDDING_MODEL: unknown provider "${provider}" (use one of ${EMBEDDING_PROVIDERS.join(", ")})`,
    );
  }
  const choice = { provider: provider as TEmbeddingChoice["provider"], model: value.slice(i + 1) };
  // The model is reached with that provider's own platform settings: they must be there.
  if (!providers[choice.provider]) {
    const needs = {
      openai: "OPENAI_API_KEY",
      ollama: "OLLAMA_BASE_URL",
      "openai-compatible": "OPENAI_COMPATIBLE_BASE_URL",
    };
    throw new ConfigError(
      `Invalid environment variable EMBEDDING_MODEL: ${provider} is not configured (set ${needs[choice.provider]})`,
    );
  }
  return choice;
}

/** Embedded mode keeps a generated secret in DATA_DIR so restarts keep sessions and ciphertexts valid. */
function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, "secret.key");
  if (existsSync(file)) {
    const value = readFileSync(file, "utf8").trim();
    if (value.length >= 32) return value;
    throw new ConfigError(
      `Invalid secret file ${file}: shorter than 32 characters; delete it to generate a new one`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(48).toString("base64url");
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}
