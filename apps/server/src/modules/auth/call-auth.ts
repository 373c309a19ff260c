import { APIError } from "better-auth/api";
import { AppError, type ErrorCode } from "../../platform/errors.ts";

const BY_STATUS: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  422: "UNPROCESSABLE",
  429: "RATE_LIMITED",
};

/** Runs a server-side Better Auth call and turns its APIError into our AppError. */
export async function callAuth<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof APIError) {
      const status = typeof err.statusCode === "number" ? err.statusCode : 400;
      const body = (err.body ?? {}) as { code?: string; message?: string };
      const code = BY_STATUS[status] ?? (status >= 500 ? "INTERNAL" : "BAD_REQUEST");
      throw new AppError(code, body.message ?? err.message, body.code ? { reason: body.code } : undefined);
    }
    throw err;
  }
}
