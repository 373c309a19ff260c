import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

// loadConfig is called with explicit env objects only; these tests never read process.env.

const SECRET = "a-perfectly-fine-secret-key-0123456789-abcdef";
const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "minichat-config-"));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** Loads a config that must fail; returns the ConfigError. */
function failure(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected loadConfig(${JSON.stringify(env)}) to throw`);
}

describe("loadConfig: defaults", () => {
  it("fills in defaults for an embedded install", () => {
    const config = loadConfig({ SECRET_KEY: SECRET });
    expect(config.port).toBe(3000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.dataDir).toBe(resolve("./data"));
    expect(config.mode).toBe("embedded");
    expect(config.env).toBe("development");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.baseUrl).toBe("http://localhost:3000");
    expect(config.corsOrigins).toEqual(["http://localhost:3000"]);
    expect(config.secretKey).toBe(SECRET);
    expect(config.previousSecretKeys).toEqual([]);
    expect(config.logLevel).toBe("info");
    expect(config.requireEmailVerification).toBe(false);
    expect(config.trustProxy).toBe(false);
    expect(config.rateLimit).toEqual({ max: 300, windowSeconds: 60, authMax: 20 });
    expect(config.bodyLimitBytes).toBe(1_048_576);
  });

  it("derives BASE_URL from PORT and the CORS default from BASE_URL's origin", () => {
    expect(loadConfig({ SECRET_KEY: SECRET, PORT: "8080" }).baseUrl).toBe("http://localhost:8080");
    const config = loadConfig({ SECRET_KEY: SECRET, BASE_URL: "https://chat.example.com/app/" });
    expect(config.baseUrl).toBe("https://chat.example.com/app");
    expect(config.corsOrigins).toEqual(["https://chat.example.com"]);
  });

  it("parses lists, booleans and numbers", () => {
    const config = loadConfig({
      SECRET_KEY: SECRET,
      CORS_ORIGINS: " https://a.example , https://b.example,,",
      PREVIOUS_SECRET_KEYS: "old-one,old-two",
      REQUIRE_EMAIL_VERIFICATION: "yes",
      TRUST_PROXY: "1",
      RATE_LIMIT_MAX: "7",
      DATA_DIR: "relative/dir",
    });
    expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.previousSecretKeys).toEqual(["old-one", "old-two"]);
    expect(config.requireEmailVerification).toBe(true);
    expect(config.trustProxy).toBe(true);
    expect(config.rateLimit.max).toBe(7);
    expect(config.dataDir).toBe(resolve("relative/dir"));
    expect(
      loadConfig({ SECRET_KEY: SECRET, REQUIRE_EMAIL_VERIFICATION: "false" }).requireEmailVerification,
    ).toBe(false);
  });

  it("switches to production mode when DATABASE_URL is set", () => {
    const config = loadConfig({
      SECRET_KEY: SECRET,
      DATABASE_URL: "postgres://app:pw@db.internal:5432/minichat",
      REDIS_URL: "rediss://cache.internal:6380",
    });
    expect(config.mode).toBe("production");
    expect(config.databaseUrl).toBe("postgres://app:pw@db.internal:5432/minichat");
    expect(config.redisUrl).toBe("rediss://cache.internal:6380");
    expect(loadConfig({ SECRET_KEY: SECRET, DATABASE_URL: "postgresql://h/db" }).mode).toBe("production");
  });
});

describe("loadConfig: invalid values", () => {
  const cases: [name: string, value: string][] = [
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "80.5"],
    ["DATABASE_URL", "mysql://x"],
    ["REDIS_URL", "http://x"],
    ["BASE_URL", "notaurl"],
    ["SECRET_KEY", "too-short-secret"],
    ["LOG_LEVEL", "loud"],
    ["REQUIRE_EMAIL_VERIFICATION", "maybe"],
    ["SMTP_URL", "https://mail.example"],
    ["BODY_LIMIT_BYTES", "10"],
  ];
  it.each(cases)("%s=%s throws a one-line ConfigError naming the variable", (name, value) => {
    const err = failure({ SECRET_KEY: SECRET, [name]: value });
    expect(err.message).not.toContain("\n");
    expect(err.message).toMatch(new RegExp(`^Invalid environment variable ${name}: \\S`));
  });

  it("does not echo secret values back in the error", () => {
    const short = failure({ SECRET_KEY: "hunter2-hunter2" });
    expect(short.message).toContain("SECRET_KEY");
    expect(short.message).not.toContain("hunter2");
    const db = failure({ SECRET_KEY: SECRET, DATABASE_URL: "mysql://app:s3cr3tpw@db/x" });
    expect(db.message).toContain("DATABASE_URL");
    expect(db.message).not.toContain("s3cr3tpw");
  });

  it("requires SECRET_KEY when DATABASE_URL is set", () => {
    const err = failure({ DATABASE_URL: "postgres://db.internal/minichat", DATA_DIR: tempDir() });
    expect(err.message).not.toContain("\n");
    expect(err.message).toContain("SECRET_KEY");
    expect(err.message).toContain("DATABASE_URL");
  });
});

describe("loadConfig: embedded secret", () => {
  it("generates <DATA_DIR>/secret.key with mode 0600 and reuses it", () => {
    const dir = join(tempDir(), "nested", "data");
    const first = loadConfig({ DATA_DIR: dir });
    const file = join(dir, "secret.key");
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, "utf8").trim()).toBe(first.secretKey);
    if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = loadConfig({ DATA_DIR: dir });
    expect(second.secretKey).toBe(first.secretKey);

    const other = loadConfig({ DATA_DIR: tempDir() });
    expect(other.secretKey).not.toBe(first.secretKey);
  });

  it("prefers SECRET_KEY over the file and does not write one", () => {
    const dir = tempDir();
    expect(loadConfig({ DATA_DIR: dir, SECRET_KEY: SECRET }).secretKey).toBe(SECRET);
    expect(() => statSync(join(dir, "secret.key"))).toThrow();
  });

  it("rejects a secret file that is too short with a one-line error", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "secret.key"), "short\n");
    const err = failure({ DATA_DIR: dir });
    expect(err.message).not.toContain("\n");
    expect(err.message).toContain("secret.key");
  });
});

describe("loadConfig: empty strings count as unset", () => {
  it("applies defaults for empty values", () => {
    const config = loadConfig({
      SECRET_KEY: SECRET,
      PORT: "",
      DATA_DIR: "",
      DATABASE_URL: "",
      REDIS_URL: "",
      BASE_URL: "",
      LOG_LEVEL: "",
      CORS_ORIGINS: "",
      REQUIRE_EMAIL_VERIFICATION: "",
      SMTP_URL: "",
      HOST: "",
    });
    expect(config.port).toBe(3000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.dataDir).toBe(resolve("./data"));
    expect(config.mode).toBe("embedded");
    expect(config.redisUrl).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
    expect(config.baseUrl).toBe("http://localhost:3000");
    expect(config.logLevel).toBe("info");
    expect(config.corsOrigins).toEqual(["http://localhost:3000"]);
    expect(config.requireEmailVerification).toBe(false);
  });

  it("treats an empty SECRET_KEY as missing", () => {
    const prod = failure({ SECRET_KEY: "", DATABASE_URL: "postgres://db.internal/minichat" });
    expect(prod.message).toContain("SECRET_KEY");
    const dir = tempDir();
    const embedded = loadConfig({ SECRET_KEY: "", DATA_DIR: dir });
    expect(embedded.secretKey).toBe(readFileSync(join(dir, "secret.key"), "utf8").trim());
  });
});

describe("loadConfig: models and providers", () => {
  it("defaults new agents to the built-in responder when no provider is configured", () => {
    const config = loadConfig({ SECRET_KEY: SECRET });
    expect(config.defaultModel).toEqual({ provider: "builtin", model: "builtin" });
    expect(config.providers).toEqual({});
    expect(config.maxMessageChars).toBe(4000);
    expect(config.llm).toEqual({
      timeoutMs: 30_000,
      idleTimeoutMs: 30_000,
      maxRetries: 2,
      breakerThreshold: 5,
      breakerCooldownMs: 30_000,
    });
  });

  it("uses the first configured provider's starter model, or DEFAULT_AGENT_MODEL", () => {
    const withKey = loadConfig({ SECRET_KEY: SECRET, ANTHROPIC_API_KEY: "sk-ant-x" });
    expect(withKey.defaultModel).toEqual({ provider: "anthropic", model: "claude-3-5-haiku-latest" });
    expect(withKey.providers.anthropic?.apiKey).toBe("sk-ant-x");
    const compatible = loadConfig({
      SECRET_KEY: SECRET,
      OPENAI_COMPATIBLE_BASE_URL: "http://10.0.0.5:8000/v1",
      OPENAI_COMPATIBLE_MODELS: "qwen2.5-7b, llama3",
    });
    expect(compatible.defaultModel).toEqual({ provider: "openai-compatible", model: "qwen2.5-7b" });
    const explicit = loadConfig({
      SECRET_KEY: SECRET,
      OPENAI_API_KEY: "sk-x",
      DEFAULT_AGENT_MODEL: "openai:gpt-4.1",
    });
    expect(explicit.defaultModel).toEqual({ provider: "openai", model: "gpt-4.1" });
  });

  it("names the variable when a model setting is wrong", () => {
    expect(failure({ SECRET_KEY: SECRET, DEFAULT_AGENT_MODEL: "gpt-4o" }).message).toContain(
      "DEFAULT_AGENT_MODEL",
    );
    expect(failure({ SECRET_KEY: SECRET, DEFAULT_AGENT_MODEL: "acme:model" }).message).toContain(
      "unknown provider",
    );
    expect(failure({ SECRET_KEY: SECRET, OPENAI_BASE_URL: "ftp://x" }).message).toContain("OPENAI_BASE_URL");
    expect(failure({ SECRET_KEY: SECRET, MAX_MESSAGE_CHARS: "10" }).message).toContain("MAX_MESSAGE_CHARS");
    expect(failure({ SECRET_KEY: SECRET, LLM_MAX_RETRIES: "-1" }).message).toContain("LLM_MAX_RETRIES");
  });

  it("parses ALLOW_PRIVATE_URLS as a list", () => {
    const config = loadConfig({ SECRET_KEY: SECRET, ALLOW_PRIVATE_URLS: "crm.internal, 10.0.0.0/8" });
    expect(config.allowPrivateUrls).toEqual(["crm.internal", "10.0.0.0/8"]);
  });
});
