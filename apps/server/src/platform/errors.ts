// Errors are thrown as AppError anywhere below the HTTP layer; `error-handler.ts` is the one
// place that turns them (and framework errors) into HTTP responses.

export const ErrorStatus = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_API_KEY: 401,
  TWO_FACTOR_REQUIRED: 401,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  EMAIL_NOT_VERIFIED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  URL_NOT_ALLOWED: 400,
  MESSAGE_TOO_LONG: 400,
  INVALID_TOKEN: 400,
  PRICE_NOT_AVAILABLE: 400,
  WEBHOOK_SIGNATURE_INVALID: 400,
  BILLING_NOT_CONFIGURED: 409,
  SUBSCRIPTION_EXISTS: 409,
  NO_SUBSCRIPTION: 409,
  LIMIT_REACHED: 403,
  PROVIDER_NOT_CONFIGURED: 422,
  PROVIDER_CHECK_FAILED: 422,
  WEAK_PASSWORD: 422,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  INTERNAL: 500,
  MODEL_UNAVAILABLE: 502,
  BILLING_PROVIDER_UNAVAILABLE: 502,
  NOT_READY: 503,
} as const;

export type ErrorCode = keyof typeof ErrorStatus;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, details?: unknown, headers?: Record<string, string>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): number {
    return ErrorStatus[this.code];
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
