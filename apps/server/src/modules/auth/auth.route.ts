import { fromNodeHeaders } from "better-auth/node";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import type { AuditAction } from "../audit/index.ts";

// Better Auth serves /api/auth/*. We hand it a Web Request built from Fastify's (the body is
// already parsed, so hijacking the raw stream would not work), then add what it does not do:
// per-account lockout after repeated failed sign-ins, audit entries, and our error shape.

const SKIPPED_HEADERS = new Set([
  "set-cookie",
  "content-length",
  "content-encoding",
  "access-control-expose-headers",
  "access-control-allow-origin",
  "access-control-allow-credentials",
]);

const TWO_FACTOR_COOKIE = "two_factor";

/** Paths whose audit entry needs to know who was signed in before the call. */
const SESSION_AUDITED: Record<string, AuditAction> = {
  "/two-factor/disable": "auth.two_factor_disabled",
  "/change-password": "auth.password_changed",
  "/revoke-session": "auth.session_revoked",
  "/revoke-sessions": "auth.session_revoked",
  "/revoke-other-sessions": "auth.session_revoked",
};

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { auth, audit, loginFailures, config } = ctx;

  async function handle(req: FastifyRequest, reply: FastifyReply) {
    const url = new URL(req.url, config.baseUrl);
    const path = url.pathname.slice("/api/auth".length);
    if (path.startsWith("/organization/")) {
      // Workspaces are managed through /api/v1/workspaces, which adds our rules and the audit
      // log; Better Auth's own organization endpoints stay internal.
      throw new AppError("NOT_FOUND", `No route for ${req.method} ${url.pathname}; use /api/v1/workspaces`);
    }
    const meta = { ip: req.ip, userAgent: req.headers["user-agent"] ?? null };
    const body = req.body as Record<string, unknown> | undefined;

    let accountKey: string | undefined;
    if (path === "/sign-in/email" && req.method === "POST" && typeof body?.email === "string") {
      accountKey = body.email.trim().toLowerCase();
      const { count, resetInSeconds } = await loginFailures.peek(accountKey);
      if (count >= config.loginFailures.max) {
        await audit({ action: "auth.sign_in_locked", ...meta, metadata: { email: accountKey } });
        const minutes = Math.max(1, Math.ceil(resetInSeconds / 60));
        throw new AppError(
          "RATE_LIMITED",
          `Too many failed sign-in attempts for this account. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
          undefined,
          { "retry-after": String(Math.max(1, resetInSeconds)) },
        );
      }
    }
    const loginSecondFactor = Boolean(req.headers.cookie?.includes(TWO_FACTOR_COOKIE));
    // verify-totp from a session confirms a new authenticator only while 2FA is still off.
    const confirmingTotp = path === "/two-factor/verify-totp" && !loginSecondFactor;
    const before =
      req.method === "POST" && (SESSION_AUDITED[path] || confirmingTotp)
        ? await auth.api.getSession({ headers: fromNodeHeaders(req.headers) })
        : null;
    const actorBefore = before?.user.id ?? null;
    const twoFactorWasOn = Boolean(
      (before?.user as { twoFactorEnabled?: boolean | null } | undefined)?.twoFactorEnabled,
    );

    const init: RequestInit = { method: req.method, headers: fromNodeHeaders(req.headers) };
    if (req.method !== "GET" && req.method !== "HEAD" && body !== undefined && body !== null) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
    }
    const res = await auth.handler(new Request(url, init));
    const text = await res.text();
    const json = parseJson(text);
    const ok = res.status < 400;

    // Audit trail and lockout bookkeeping.
    if (accountKey) {
      if (res.status === 401) {
        await loginFailures.increment(accountKey);
        await audit({ action: "auth.sign_in_failed", ...meta, metadata: { email: accountKey } });
      } else if (ok) {
        await loginFailures.reset(accountKey);
        const userId = (json?.user as { id?: string } | undefined)?.id ?? null;
        await audit(
          json?.twoFactorRedirect
            ? { action: "auth.two_factor_pending", ...meta, metadata: { email: accountKey } }
            : { action: "auth.sign_in", actorUserId: userId, ...meta, metadata: { method: "password" } },
        );
      }
    } else if (path === "/two-factor/verify-totp" || path === "/two-factor/verify-backup-code") {
      const userId = (json?.user as { id?: string } | undefined)?.id ?? null;
      if (!ok) await audit({ action: "auth.two_factor_failed", ...meta, metadata: { path } });
      else if (loginSecondFactor)
        await audit({
          action: "auth.sign_in",
          actorUserId: userId,
          ...meta,
          metadata: { method: `password+${path.split("-").pop()}` },
        });
      else if (confirmingTotp && !twoFactorWasOn)
        await audit({ action: "auth.two_factor_enabled", actorUserId: userId, ...meta });
    } else if (ok && path === "/reset-password" && req.method === "POST") {
      await audit({ action: "auth.password_reset", ...meta });
    } else if (ok && SESSION_AUDITED[path] && actorBefore) {
      await audit({ action: SESSION_AUDITED[path], actorUserId: actorBefore, ...meta, metadata: { path } });
    }

    reply.status(res.status);
    res.headers.forEach((value, key) => {
      // CORS headers are ours (@fastify/cors), so they list x-request-id and the rate-limit headers too.
      if (!SKIPPED_HEADERS.has(key)) reply.header(key, value);
    });
    const cookies = res.headers.getSetCookie();
    if (cookies.length) reply.header("set-cookie", cookies);
    if (!ok && json && typeof json.message === "string") {
      // Same error shape as the rest of the API; Better Auth's codes are kept as they are stable.
      return reply.type("application/json; charset=utf-8").send({
        error: {
          code: typeof json.code === "string" ? json.code : statusCode(res.status),
          message: json.message,
        },
        requestId: String(req.id),
      });
    }
    if (!ok && !text) {
      return reply.type("application/json; charset=utf-8").send({
        error: { code: statusCode(res.status), message: res.statusText || "Request failed" },
        requestId: String(req.id),
      });
    }
    return reply.send(text.length ? text : null);
  }

  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    schema: { hide: true },
    config: {
      rateLimit: { max: config.rateLimit.authMax, timeWindow: config.rateLimit.windowSeconds * 1000 },
    },
    handler: handle,
  });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" ? v : undefined;
  } catch {
    return undefined;
  }
}

function statusCode(status: number): string {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "RATE_LIMITED";
  return status >= 500 ? "INTERNAL" : "BAD_REQUEST";
}
