import type { TCreateActionRequest } from "@minichat/contracts";
import type { TAction } from "./agents-api.ts";

// A custom HTTP action as the dialog edits it. Parameters are rows (name, type, description,
// required) for the common case, or the raw JSON Schema for anything the rows cannot express.
// Header values are write-only: the API returns only their names, so an edit either keeps the
// stored headers untouched or replaces all of them.

export const PARAM_TYPES = ["string", "number", "integer", "boolean"] as const;
export type ParamType = (typeof PARAM_TYPES)[number];
export type ParamRow = { name: string; type: ParamType; description: string; required: boolean };
export type HeaderRow = { name: string; value: string };
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export type ActionDraft = {
  name: string;
  description: string;
  method: (typeof METHODS)[number];
  url: string;
  timeoutSeconds: string;
  enabled: boolean;
  paramsMode: "simple" | "json";
  params: ParamRow[];
  paramsJson: string;
  /** Stored header names (values never come back). */
  savedHeaderNames: string[];
  /** New values for every header; only sent when `replaceHeaders`. */
  headers: HeaderRow[];
  replaceHeaders: boolean;
};

type Schema = { type?: unknown; properties?: Record<string, Record<string, unknown>>; required?: unknown };

/** The rows for a schema, or null when it holds more than rows can show (nesting, enums…). */
export function rowsFromSchema(schema: Record<string, unknown>): ParamRow[] | null {
  const s = schema as Schema;
  if (s.type !== "object") return null;
  const extraTop = Object.keys(s).filter((k) => !["type", "properties", "required"].includes(k));
  if (extraTop.length) return null;
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  const rows: ParamRow[] = [];
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    const extra = Object.keys(p).filter((k) => k !== "type" && k !== "description");
    if (extra.length || !PARAM_TYPES.includes(p.type as ParamType)) return null;
    if (p.description !== undefined && typeof p.description !== "string") return null;
    rows.push({
      name,
      type: p.type as ParamType,
      description: (p.description as string | undefined) ?? "",
      required: required.includes(name),
    });
  }
  return rows;
}

export function schemaFromRows(rows: readonly ParamRow[]): TCreateActionRequest["parameters"] {
  const properties: Record<string, Record<string, unknown>> = {};
  const required: string[] = [];
  for (const r of rows) {
    const name = r.name.trim();
    if (!name) continue;
    properties[name] = {
      type: r.type,
      ...(r.description.trim() ? { description: r.description.trim() } : {}),
    };
    if (r.required) required.push(name);
  }
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

export function toActionDraft(a?: TAction): ActionDraft {
  const parameters = a?.parameters ?? { type: "object", properties: {} };
  const rows = rowsFromSchema(parameters);
  return {
    name: a?.name ?? "",
    description: a?.description ?? "",
    method: (a?.method as ActionDraft["method"] | undefined) ?? "POST",
    url: a?.url ?? "",
    timeoutSeconds: String((a?.timeoutMs ?? 10_000) / 1000),
    enabled: a?.enabled ?? true,
    paramsMode: rows ? "simple" : "json",
    params: rows ?? [],
    paramsJson: JSON.stringify(parameters, null, 2),
    savedHeaderNames: a?.headerNames ?? [],
    headers: [],
    replaceHeaders: !a,
  };
}

/** The parameters as the API wants them, or "json" when the JSON text does not parse. */
export function parametersOf(d: ActionDraft): Record<string, unknown> | "json" {
  if (d.paramsMode === "simple") return schemaFromRows(d.params);
  try {
    const v: unknown = JSON.parse(d.paramsJson);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : "json";
  } catch {
    return "json";
  }
}

/** The body to save; headers only when they are (re)entered, since stored values stay secret. */
export function toActionBody(d: ActionDraft, parameters: Record<string, unknown>) {
  const seconds = d.timeoutSeconds.trim() === "" ? Number.NaN : Number(d.timeoutSeconds);
  return {
    name: d.name.trim(),
    description: d.description,
    method: d.method,
    url: d.url.trim(),
    parameters,
    timeoutMs: Math.round(seconds * 1000),
    enabled: d.enabled,
    ...(d.replaceHeaders
      ? {
          headers: Object.fromEntries(
            d.headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), h.value]),
          ),
        }
      : {}),
  };
}
