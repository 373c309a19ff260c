import type { ZProviderEntry, ZSaveProviderRequest } from "@minichat/contracts";
import type { z } from "zod";
import { ApiError, api } from "../../lib/api.ts";

// The catalogue itself is the agents feature's query (same cache key), so a key saved here
// shows up at once in the agent editor's model picker.
export { providersQuery } from "../agents/agents-api.ts";

export type TProviderEntry = z.infer<typeof ZProviderEntry>;
export type SaveBody = z.input<typeof ZSaveProviderRequest>;

const url = (ws: string, provider: string) =>
  `/api/v1/workspaces/${encodeURIComponent(ws)}/providers/${encodeURIComponent(provider)}`;

export function saveProvider(ws: string, provider: string, body: SaveBody) {
  return api<TProviderEntry>(url(ws, provider), { method: "PUT", body });
}

export function removeProvider(ws: string, provider: string) {
  return api<null>(url(ws, provider), { method: "DELETE" });
}

export type FormField = "apiKey" | "baseUrl" | "models";

/**
 * Which field a failed save is about, so its message shows beside that field: the key the
 * provider refused, the address it could not be reached at, or what the server's validation named.
 */
export function fieldOfError(error: unknown, hasBaseUrl: boolean): FormField | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === "URL_NOT_ALLOWED") return "baseUrl";
  if (error.code === "PROVIDER_CHECK_FAILED") {
    const status = (error.details as { status?: number } | undefined)?.status;
    // No HTTP status: the server was not reached at all, so the address is what is wrong.
    return status === undefined && hasBaseUrl ? "baseUrl" : "apiKey";
  }
  if (error.code === "VALIDATION_FAILED") {
    const named = Object.keys(error.fieldErrors())[0];
    if (named === "apiKey" || named === "baseUrl" || named === "models") return named;
  }
  return null;
}
