import { ApiError, api } from "../../lib/api.ts";
import type { SessionUser } from "../../lib/session.ts";

// Better Auth's sign-in and second-factor endpoints, called with fetch like lib/session.ts.

/** The password step either signs in or, with two-factor on, asks for the second factor. */
export type PasswordSignIn =
  | { user: SessionUser; twoFactorRedirect?: undefined }
  | { twoFactorRedirect: true; twoFactorMethods?: string[] };

export function signInWithPassword(body: { email: string; password: string }) {
  return api<PasswordSignIn>("/api/auth/sign-in/email", { body: { ...body, rememberMe: true } });
}

/**
 * A wrong code is answered 401, which everywhere else means "your session has ended" (main.tsx
 * then sends the person to sign in). Here it means only "try another code": rethrown as a 400 so
 * the person stays on the form and sees the error by the field.
 */
export async function codeCheck<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && err.code !== "UNAUTHENTICATED") {
      throw new ApiError(400, err.code, err.message, err.details);
    }
    throw err;
  }
}

export type SecondFactor = { method: "totp" | "backup"; code: string; trustDevice: boolean };

/** The second step of a sign-in (the pending challenge is in Better Auth's two_factor cookie). */
export function verifySecondFactor({ method, code, trustDevice }: SecondFactor) {
  const path =
    method === "totp" ? "/api/auth/two-factor/verify-totp" : "/api/auth/two-factor/verify-backup-code";
  return codeCheck(
    api<{ user: SessionUser }>(path, { body: { code: normalizeCode(method, code), trustDevice } }),
  );
}

/** People paste codes with spaces or dashes; authenticator codes are digits only. */
export function normalizeCode(method: "totp" | "backup", code: string): string {
  const trimmed = code.trim();
  return method === "totp" ? trimmed.replace(/\D/g, "") : trimmed.replace(/\s/g, "");
}
