import { type JSONSchema7, jsonSchema, type ToolSet, tool } from "ai";
import { z } from "zod";
import type { MessageToolCall } from "../../db/schema/index.ts";
import type { KeyRing } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import type { EventBus } from "../../platform/events.ts";
import { newId } from "../../platform/ids.ts";
import { readBodyLimited } from "../../platform/outbound.ts";
import type { Logger } from "../../platform/types.ts";
import type { ActionRow, AgentRow } from "../agents/agents.repo.ts";
import { openHeaders } from "../agents/save-action.ts";
import { attachContact, insertLead, setConversationStatus, upsertContact } from "./conversations.repo.ts";

// Tools act only inside the turn's own workspace and conversation: those ids come from the
// turn, never from the model's arguments, so a manipulated model cannot reach another tenant.

export type ToolDeps = {
  db: Db;
  keyRing: KeyRing;
  events: EventBus;
  outboundFetch: typeof fetch;
  logger: Logger;
};
export type TurnScope = { workspaceId: string; conversationId: string; agent: AgentRow };

/** Largest action response handed back to the model (and stored on the message). */
export const ACTION_RESULT_MAX_BYTES = 16_384;

export const ZLeadInput = z
  .object({
    name: z.string().trim().max(200).optional(),
    email: z.email().max(320).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^[+()\d\s.-]{5,32}$/, "a phone number")
      .optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .refine((v) => v.email || v.phone, "an email or a phone number is required");
export type LeadInput = z.infer<typeof ZLeadInput>;

// Built once: the AI SDK would otherwise convert the zod schemas to JSON Schema on every turn.
function precompiled<T>(schema: z.ZodType<T>) {
  return jsonSchema<T>(z.toJSONSchema(schema, { io: "input" }) as JSONSchema7, {
    validate: (value) => {
      const r = schema.safeParse(value);
      return r.success ? { success: true, value: r.data } : { success: false, error: r.error };
    },
  });
}
const LEAD_SCHEMA = precompiled(ZLeadInput);
const HANDOFF_SCHEMA = precompiled(
  z.object({ reason: z.string().max(500).describe("Why a human is needed, in a few words") }),
);

export async function captureLead(deps: ToolDeps, scope: TurnScope, input: LeadInput) {
  const contact = await upsertContact(deps.db, {
    id: newId("ctc"),
    workspaceId: scope.workspaceId,
    name: input.name,
    email: input.email?.toLowerCase(),
    phone: input.phone,
  });
  await attachContact(deps.db, scope.workspaceId, scope.conversationId, contact.id);
  const lead = await insertLead(deps.db, {
    id: newId("led"),
    workspaceId: scope.workspaceId,
    contactId: contact.id,
    conversationId: scope.conversationId,
    agentId: scope.agent.id,
    note: input.note ?? null,
  });
  deps.events.emit({
    type: "lead.captured",
    workspaceId: scope.workspaceId,
    conversationId: scope.conversationId,
    agentId: scope.agent.id,
    leadId: lead.id,
    contactId: contact.id,
  });
  return { saved: true, leadId: lead.id };
}

export async function requestHandoff(deps: ToolDeps, scope: TurnScope, reason: string) {
  await setConversationStatus(deps.db, scope.workspaceId, scope.conversationId, "waiting_human");
  deps.events.emit({
    type: "conversation.handoff_requested",
    workspaceId: scope.workspaceId,
    conversationId: scope.conversationId,
    agentId: scope.agent.id,
    reason,
  });
  return { handedOff: true, note: "A teammate has been notified and will join the conversation." };
}

/** Calls a custom HTTP action through the SSRF-guarded fetch, with its timeout and size cap. */
export async function callAction(
  deps: ToolDeps,
  action: ActionRow,
  input: Record<string, unknown>,
  signal?: AbortSignal,
) {
  const params = { ...input };
  // {name} placeholders in the URL take their values from the parameters, URL-encoded.
  const url = new URL(
    action.url.replace(/\{(\w+)\}/g, (_, k: string) => {
      const v = params[k];
      delete params[k];
      return encodeURIComponent(v === undefined ? "" : String(v));
    }),
  );
  const headers: Record<string, string> = {
    accept: "application/json, text/plain;q=0.9",
    ...openHeaders(deps.keyRing, action),
  };
  let body: string | undefined;
  if (action.method === "GET" || action.method === "DELETE") {
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null)
        url.searchParams.set(k, typeof v === "object" ? JSON.stringify(v) : String(v));
    }
  } else {
    headers["content-type"] = "application/json";
    body = JSON.stringify(params);
  }
  const timeout = AbortSignal.timeout(action.timeoutMs);
  try {
    const res = await deps.outboundFetch(url, {
      method: action.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const { text, truncated } = await readBodyLimited(res, ACTION_RESULT_MAX_BYTES);
    let parsed: unknown = text;
    if (!truncated) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // plain text answers are passed on as they are
      }
    }
    return { status: res.status, ok: res.ok, body: parsed, ...(truncated ? { truncated: true } : {}) };
  } catch (err) {
    // Only our own words reach the model and the stored message: a raw network error can quote
    // the request's headers, which hold the business's secrets.
    const reason =
      (err as Error).name === "TimeoutError"
        ? `timed out after ${action.timeoutMs} ms`
        : err instanceof AppError
          ? err.message
          : "the request could not be completed";
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    deps.logger.warn(
      { action: action.name, agentId: action.agentId, reason, error: (err as Error).name, cause },
      "agent action failed",
    );
    return { ok: false, error: `The ${action.name} action failed: ${reason}` };
  }
}

/** The tools a model may call in one turn; `record` collects what was called, for the message. */
export function buildTools(
  deps: ToolDeps,
  scope: TurnScope,
  actions: ActionRow[],
  record: MessageToolCall[],
): ToolSet {
  const tools: ToolSet = {
    capture_lead: tool({
      description:
        "Save the visitor's contact details so the team can follow up. Only use details the visitor gave in this conversation.",
      inputSchema: LEAD_SCHEMA,
      execute: async (input) => {
        const output = await captureLead(deps, scope, input);
        record.push({ name: "capture_lead", input, output });
        return output;
      },
    }),
    handoff_to_human: tool({
      description:
        "Hand the conversation to a human teammate when the visitor asks for a person or you cannot help.",
      inputSchema: HANDOFF_SCHEMA,
      execute: async (input) => {
        const output = await requestHandoff(deps, scope, input.reason);
        record.push({ name: "handoff_to_human", input, output });
        return output;
      },
    }),
  };
  for (const action of actions) {
    if (!action.enabled) continue;
    tools[action.name] = tool({
      description: action.description,
      inputSchema: jsonSchema<Record<string, unknown>>(action.parameters as never),
      execute: async (input, options) => {
        const output = await callAction(deps, action, input, options.abortSignal);
        record.push({ name: action.name, input, output });
        return output;
      },
    });
  }
  return tools;
}
