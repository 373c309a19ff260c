import { queryOptions } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import type { SessionUser } from "../../lib/session.ts";
import { codeCheck, normalizeCode } from "../auth/auth-api.ts";

// The signed-in person's own account: Better Auth's /api/auth endpoints for the profile, the
// password, two-factor authentication and sessions (see lib/session.ts for why fetch).

/** get-session's user carries the two-factor plugin's flag too. */
export type AccountUser = SessionUser & { twoFactorEnabled?: boolean | null };

export type AccountSession = {
  id: string;
  /** Needed to revoke it; never shown. */
  token: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  ipAddress?: string | null;
  userAgent?: string | null;
};

export const sessionsQuery = queryOptions({
  queryKey: ["account", "sessions"],
  queryFn: () => api<AccountSession[]>("/api/auth/list-sessions"),
});

export function updateName(name: string) {
  return api<unknown>("/api/auth/update-user", { body: { name } });
}

export function changePassword(body: {
  currentPassword: string;
  newPassword: string;
  revokeOtherSessions: boolean;
}) {
  return api<unknown>("/api/auth/change-password", { body });
}

/** Starts the setup: the authenticator's URI and the backup codes; on only after a first code. */
export function startTwoFactor(password: string) {
  return api<{ totpURI: string; backupCodes: string[] }>("/api/auth/two-factor/enable", {
    body: { password },
  });
}

/** The first code from the app turns two-factor on (and Better Auth replaces the session). */
export function confirmTwoFactor(code: string) {
  return codeCheck(
    api<unknown>("/api/auth/two-factor/verify-totp", { body: { code: normalizeCode("totp", code) } }),
  );
}

export function disableTwoFactor(password: string) {
  return api<unknown>("/api/auth/two-factor/disable", { body: { password } });
}

/** New backup codes; the old ones stop working. */
export function regenerateBackupCodes(password: string) {
  return api<{ backupCodes: string[] }>("/api/auth/two-factor/generate-backup-codes", { body: { password } });
}

export function revokeSession(token: string) {
  return api<unknown>("/api/auth/revoke-session", { body: { token } });
}

export function revokeOtherSessions() {
  return api<unknown>("/api/auth/revoke-other-sessions", { body: {} });
}
