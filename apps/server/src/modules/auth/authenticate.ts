import type { TApiKeyScope } from "@minichat/contracts";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyRequest } from "fastify";
import type { Db } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import type { Clock } from "../../platform/types.ts";
import { API_KEY_PREFIX, type ApiKeyCache, verifyApiKey } from "../api-keys/index.ts";
import { assertCan, type Permission, type Role } from "../workspaces/roles.ts";
import { findMembership } from "../workspaces/workspaces.repo.ts";
import type { Auth } from "./create-auth.ts";

// Who is calling: a signed-in user (session cookie or session bearer token) or a workspace
// API key (`Authorization: Bearer mck_...`). Resolved once per request.

export type UserPrincipal = {
  kind: "user";
  user: { id: string; email: string; name: string; role: string; emailVerified: boolean };
  sessionId: string;
  via: "cookie" | "bearer";
};
export type ApiKeyPrincipal = { kind: "apiKey"; keyId: string; workspaceId: string; scopes: string[] };
export type Principal = UserPrincipal | ApiKeyPrincipal;

export type AuthnDeps = {
  db: Db;
  auth: Auth;
  clock: Clock;
  allowedOrigins: string[];
  apiKeyCache?: ApiKeyCache | undefined;
};

const cache = new WeakMap<FastifyRequest, Promise<Principal | null>>();

export function getPrincipal(req: FastifyRequest, deps: AuthnDeps): Promise<Principal | null> {
  let p = cache.get(req);
  if (!p) {
    p = resolve(req, deps);
    cache.set(req, p);
  }
  return p;
}

async function resolve(req: FastifyRequest, deps: AuthnDeps): Promise<Principal | null> {
  const header = req.headers.authorization;
  const bearer = header?.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : undefined;
  if (bearer?.startsWith(API_KEY_PREFIX)) {
    const row = await verifyApiKey(deps.db, bearer, deps.clock.now(), deps.apiKeyCache);
    return { kind: "apiKey", keyId: row.id, workspaceId: row.workspaceId, scopes: row.scopes };
  }
  const result = await deps.auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
  if (!result) {
    if (bearer) throw new AppError("UNAUTHENTICATED", "The bearer token is not valid or has expired");
    return null;
  }
  const via = bearer ? "bearer" : "cookie";
  if (via === "cookie") assertSameOrigin(req, deps.allowedOrigins);
  const u = result.user as typeof result.user & { role?: string };
  return {
    kind: "user",
    user: { id: u.id, email: u.email, name: u.name, role: u.role ?? "user", emailVerified: u.emailVerified },
    sessionId: result.session.id,
    via,
  };
}

/**
 * CSRF defence for cookie sessions: a browser always sends Origin on state-changing requests,
 * so one from a page we do not trust is refused. (Non-browser clients send no Origin.)
 */
function assertSameOrigin(req: FastifyRequest, allowed: string[]): void {
  if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return;
  const origin = req.headers.origin;
  if (origin && !allowed.includes(origin)) {
    throw new AppError("FORBIDDEN", "Cross-site request refused: this origin may not use the session cookie");
  }
}

export async function requireUser(req: FastifyRequest, deps: AuthnDeps): Promise<UserPrincipal> {
  const p = await getPrincipal(req, deps);
  if (!p)
    throw new AppError("UNAUTHENTICATED", "Sign in first (session cookie or Authorization: Bearer <token>)");
  if (p.kind !== "user")
    throw new AppError("FORBIDDEN", "This action needs a signed-in user; API keys cannot do it");
  return p;
}

export async function requirePlatformAdmin(req: FastifyRequest, deps: AuthnDeps): Promise<UserPrincipal> {
  const p = await requireUser(req, deps);
  if (p.user.role !== "admin") throw new AppError("FORBIDDEN", "Only a platform admin can do this");
  return p;
}

export type WorkspaceAccess = {
  workspaceId: string;
  principal: Principal;
  role: Role | undefined;
  userId: string | null;
};

/**
 * The gate of every workspace route. Someone outside the workspace gets 404 (not 403), so ids
 * of other tenants reveal nothing.
 */
export async function requireWorkspace(
  req: FastifyRequest,
  deps: AuthnDeps,
  workspaceId: string,
  need: { permission?: Permission; scope?: TApiKeyScope },
): Promise<WorkspaceAccess> {
  const p = await getPrincipal(req, deps);
  if (!p)
    throw new AppError("UNAUTHENTICATED", "Sign in first (session cookie or Authorization: Bearer <token>)");
  if (p.kind === "apiKey") {
    if (p.workspaceId !== workspaceId) throw new AppError("NOT_FOUND", "Workspace not found");
    if (!need.scope) throw new AppError("FORBIDDEN", "API keys cannot do this; sign in as a member instead");
    if (!p.scopes.includes(need.scope)) {
      throw new AppError("FORBIDDEN", `This API key lacks the "${need.scope}" scope`);
    }
    return { workspaceId, principal: p, role: undefined, userId: null };
  }
  const membership = await findMembership(deps.db, workspaceId, p.user.id);
  if (!membership) throw new AppError("NOT_FOUND", "Workspace not found");
  if (need.permission) assertCan(membership.role, need.permission);
  return { workspaceId, principal: p, role: membership.role as Role, userId: p.user.id };
}
