import type { TWorkspace } from "@minichat/contracts";
import { queryOptions } from "@tanstack/react-query";
import { applyAccountLanguage } from "../i18n/index.ts";
import { api } from "./api.ts";

// Better Auth serves the account endpoints under /api/auth on the same origin, so the session
// is its httpOnly cookie. The dashboard calls them with fetch rather than Better Auth's client:
// the server rewrites their errors into the API's one error shape, which the client would not read.

export type SessionUser = {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  role?: string;
  locale?: string | null;
};
export type Session = { user: SessionUser; session: { id: string; expiresAt: string } } | null;

export const sessionQuery = queryOptions({
  queryKey: ["session"],
  queryFn: async () => {
    const session = await api<Session>("/api/auth/get-session");
    applyAccountLanguage(session?.user.locale);
    return session;
  },
  staleTime: 60_000,
});

export const workspacesQuery = queryOptions({
  queryKey: ["workspaces"],
  queryFn: async () => (await api<{ workspaces: TWorkspace[] }>("/api/v1/workspaces")).workspaces,
  staleTime: 30_000,
});

export function signIn(body: { email: string; password: string }) {
  return api<{ user: SessionUser }>("/api/auth/sign-in/email", { body: { ...body, rememberMe: true } });
}

export function signUp(body: { name: string; email: string; password: string; locale: string }) {
  return api<{ user: SessionUser }>("/api/auth/sign-up/email", { body });
}

export function signOut() {
  return api<unknown>("/api/auth/sign-out", { body: {} });
}

export function sendVerificationEmail(email: string) {
  return api<unknown>("/api/auth/send-verification-email", { body: { email, callbackURL: "/" } });
}

export function requestPasswordReset(email: string) {
  return api<unknown>("/api/auth/request-password-reset", {
    body: { email, redirectTo: `${location.origin}/reset-password` },
  });
}

export function resetPassword(body: { token: string; newPassword: string }) {
  return api<unknown>("/api/auth/reset-password", { body });
}

/** The language is kept on the account too, so emails arrive in it. */
export function saveLocale(locale: string) {
  return api<unknown>("/api/auth/update-user", { body: { locale } });
}
