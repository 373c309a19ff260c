import type { TCreateActionRequest, TUpdateActionRequest } from "@minichat/contracts";
import type { KeyRing } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { assertOutboundUrl, type OutboundPolicy } from "../../platform/outbound.ts";
import { type ActionRow, findAction, findAgent, insertAction, updateActionRow } from "./agents.repo.ts";

type Deps = { db: Db; keyRing: KeyRing; outboundPolicy: OutboundPolicy };

export const actionHeadersContext = (actionId: string) => `action-headers:${actionId}`;

/** Header values often carry the business's API tokens, so they are sealed as one value. */
function sealHeaders(keyRing: KeyRing, actionId: string, headers: Record<string, string>) {
  const names = Object.keys(headers);
  return {
    headersSealed: names.length
      ? keyRing.seal(JSON.stringify(headers), actionHeadersContext(actionId))
      : null,
    headerNames: names,
  };
}

export function openHeaders(keyRing: KeyRing, row: ActionRow): Record<string, string> {
  if (!row.headersSealed) return {};
  return JSON.parse(keyRing.open(row.headersSealed, actionHeadersContext(row.id))) as Record<string, string>;
}

export async function createAction(
  deps: Deps,
  input: { workspaceId: string; agentId: string; body: TCreateActionRequest },
): Promise<ActionRow> {
  if (!(await findAgent(deps.db, input.workspaceId, input.agentId))) throw notFound("Agent");
  // Refuse internal targets when the action is saved, not only when the model calls it.
  await assertOutboundUrl(input.body.url, deps.outboundPolicy);
  const id = newId("act");
  const { headers, ...rest } = input.body;
  return insertAction(deps.db, {
    ...rest,
    id,
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    ...sealHeaders(deps.keyRing, id, headers),
  });
}

export async function updateAction(
  deps: Deps,
  input: { workspaceId: string; agentId: string; actionId: string; body: TUpdateActionRequest },
): Promise<ActionRow> {
  const { headers, ...rest } = input.body;
  if (rest.url) {
    await assertOutboundUrl(rest.url, deps.outboundPolicy);
    // Stored headers (tokens) go only to the server they were entered for.
    const current = await findAction(deps.db, input.workspaceId, input.agentId, input.actionId);
    if (!current) throw notFound("Action");
    if (current.headersSealed && !headers && new URL(rest.url).origin !== new URL(current.url).origin) {
      throw new AppError(
        "VALIDATION_FAILED",
        "Send the headers again when pointing the action at another server (they are not carried over)",
        { field: "headers" },
      );
    }
  }
  const row = await updateActionRow(deps.db, input.workspaceId, input.agentId, input.actionId, {
    ...rest,
    ...(headers ? sealHeaders(deps.keyRing, input.actionId, headers) : {}),
  });
  if (!row) throw notFound("Action");
  return row;
}
