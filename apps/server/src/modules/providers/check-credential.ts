import type { LlmProviderId } from "../../platform/config.ts";
import { AppError } from "../../platform/errors.ts";
import { readBodyLimited } from "../../platform/outbound.ts";
import { providerInfo } from "./catalogue.ts";

/**
 * Tests credentials with the cheapest call each provider has — listing models — so a wrong key
 * or URL is refused when saved rather than discovered by a visitor. Returns the model ids the
 * provider listed (used to offer models of self-hosted servers).
 */
export async function checkCredential(
  provider: LlmProviderId,
  settings: { apiKey: string | undefined; baseUrl: string | undefined },
  fetchFn: typeof fetch,
  timeoutMs = 10_000,
): Promise<string[]> {
  const base = (settings.baseUrl ?? providerInfo(provider)?.defaultBaseUrl ?? "").replace(/\/+$/, "");
  const headers: Record<string, string> = { accept: "application/json" };
  let url = `${base}/models`;
  if (provider === "anthropic") {
    if (settings.apiKey) headers["x-api-key"] = settings.apiKey;
    headers["anthropic-version"] = "2023-06-01";
  } else if (provider === "google") {
    if (settings.apiKey) headers["x-goog-api-key"] = settings.apiKey;
  } else if (provider === "ollama") {
    url = `${base}/tags`;
  } else if (settings.apiKey) {
    headers.authorization = `Bearer ${settings.apiKey}`;
  }

  let res: Response;
  try {
    res = await fetchFn(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    if (err instanceof AppError) throw err; // refused by the outbound guard: already a clear 4xx
    const reason = (err as Error).name === "TimeoutError" ? "timed out" : "could not be reached";
    throw new AppError("PROVIDER_CHECK_FAILED", `The ${provider} server at ${base} ${reason}`, { provider });
  }
  const { text } = await readBodyLimited(res, 1_000_000);
  // Gemini answers a wrong key with 400 API_KEY_INVALID rather than 401.
  const googleBadKey =
    provider === "google" && res.status === 400 && /API_KEY_INVALID|API key not valid/i.test(text);
  if (res.status === 401 || res.status === 403 || googleBadKey) {
    throw new AppError("PROVIDER_CHECK_FAILED", `${provider} rejected the API key (HTTP ${res.status})`, {
      provider,
      status: res.status,
    });
  }
  if (!res.ok) {
    throw new AppError("PROVIDER_CHECK_FAILED", `${provider} answered HTTP ${res.status} to a test call`, {
      provider,
      status: res.status,
    });
  }
  try {
    const body = JSON.parse(text) as {
      data?: { id?: string }[];
      models?: { name?: string; model?: string }[];
    };
    const ids = body.data?.map((d) => d.id) ?? body.models?.map((d) => d.model ?? d.name) ?? [];
    return ids.filter((x): x is string => typeof x === "string").slice(0, 200);
  } catch {
    return [];
  }
}
