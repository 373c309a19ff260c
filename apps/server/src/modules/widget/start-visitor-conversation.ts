import type { TStartVisitorConversationRequest, TVisitorSession } from "@minichat/contracts";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";
import type { AgentRow } from "../agents/agents.repo.ts";
import { openIdentitySecret } from "../agents/identity-secret.ts";
import { openConversation } from "../conversations/open-conversation.ts";
import { newVisitorToken, VISITOR_TOKEN_TTL_MS, verifyUserHash } from "./visitor-token.ts";

/** What the browser told us about the visitor; the IP address is never stored. */
export type VisitorContext = {
  userAgent: string | undefined;
  country: string | undefined;
  origin: string | undefined;
};

const clip = (s: string | undefined, n: number) => (s ? s.slice(0, n) : undefined);

/**
 * A new widget conversation and the visitor token that opens it (returned once; only its hash
 * is kept). A host-site user id is kept only when signed with the agent's identity secret.
 */
export async function startVisitorConversation(
  ctx: AppContext,
  agent: AgentRow,
  body: TStartVisitorConversationRequest,
  visitor: VisitorContext,
): Promise<TVisitorSession> {
  const { token, hash } = newVisitorToken();
  const expiresAt = new Date(ctx.clock.now().getTime() + VISITOR_TOKEN_TTL_MS);
  const secret = body.userId && body.userHash ? openIdentitySecret(ctx.keyRing, agent) : null;
  const verifiedUserId =
    secret && body.userId && body.userHash && verifyUserHash(secret, body.userId, body.userHash)
      ? body.userId
      : null;
  const metadata = Object.fromEntries(
    Object.entries({
      pageUrl: clip(body.pageUrl, 2000),
      referrer: clip(body.referrer, 2000),
      locale: clip(body.locale, 35),
      userAgent: clip(visitor.userAgent, 500),
      country: visitor.country,
      origin: clip(visitor.origin, 300),
    }).filter(([, v]) => v !== undefined && v !== ""),
  );
  // openConversation also announces it, so the inbox shows the visitor before their first message.
  const conversation = await openConversation(ctx, {
    id: newId("cnv"),
    workspaceId: agent.workspaceId,
    agentId: agent.id,
    channel: "widget",
    metadata,
    visitorTokenHash: hash,
    visitorTokenExpiresAt: expiresAt,
    externalUserId: verifiedUserId,
  });
  return { conversationId: conversation.id, visitorToken: token, expiresAt: expiresAt.toISOString() };
}

/** Country from a CDN / proxy header (Cloudflare's CF-IPCountry or X-Country-Code), if any. */
export function countryFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  for (const name of ["cf-ipcountry", "x-country-code"]) {
    const v = headers[name];
    if (typeof v === "string" && /^[A-Za-z]{2}$/.test(v.trim())) return v.trim().toUpperCase();
  }
  return undefined;
}
