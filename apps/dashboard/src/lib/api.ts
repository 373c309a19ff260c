import type { TErrorResponse } from "@minichat/contracts";
import { connection } from "./connection.ts";

// One fetch wrapper for the whole dashboard: same-origin cookies (the session), JSON in and
// out, and the server's error shape `{ error: { code, message, details } }` turned into ApiError.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /**
   * Messages per field: a VALIDATION_FAILED answer lists them (`details: [{ path, message }]`);
   * another error may name the one field it is about (`details: { field }`), with its own message.
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const field = (this.details as { field?: unknown } | null | undefined)?.field;
    if (typeof field === "string" && field) out[field] = this.message;
    if (!Array.isArray(this.details)) return out;
    for (const d of this.details as { path?: string; message?: string }[]) {
      if (d.path && d.message && !out[d.path]) out[d.path] = d.message;
    }
    return out;
  }
}

type Options = { method?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> };

export async function apiFetch(path: string, opts: Options = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? (body ? "POST" : "GET"),
      headers,
      body,
      credentials: "same-origin",
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    connection.lost();
    throw new ApiError(0, "NETWORK", (err as Error).message);
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

export async function api<T>(path: string, opts: Options = {}): Promise<T> {
  const res = await apiFetch(path, opts);
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const json = JSON.parse(text) as Partial<TErrorResponse> & { message?: string; code?: string };
    if (json.error) return new ApiError(res.status, json.error.code, json.error.message, json.error.details);
    if (json.message) return new ApiError(res.status, json.code ?? "ERROR", json.message);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(
    res.status,
    res.status >= 500 ? "INTERNAL" : "ERROR",
    res.statusText || "Request failed",
  );
}
