import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { AppError, type ErrorCode, ErrorStatus } from "./errors.ts";

// The one place where errors become HTTP responses:
// { "error": { "code", "message", "details"? }, "requestId" }

type Body = { error: { code: ErrorCode; message: string; details?: unknown }; requestId: string };

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  message: string,
  details?: unknown,
) {
  const body: Body = { error: { code, message }, requestId: String(request.id) };
  if (details !== undefined) body.error.details = details;
  return reply.status(ErrorStatus[code]).type("application/json; charset=utf-8").send(body);
}

/** Fastify's own error codes that are the client's fault, mapped to ours. */
const FRAMEWORK_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "INVALID_JSON", message: "The request body is not valid JSON" },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: "INVALID_JSON",
    message: "The request body is empty but Content-Type is application/json",
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: "PAYLOAD_TOO_LARGE", message: "The request body is too large" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: "UNSUPPORTED_MEDIA_TYPE",
    message: "This Content-Type is not supported here",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: "BAD_REQUEST",
    message: "Content-Length does not match the body",
  },
  FST_ERR_VALIDATION: { code: "VALIDATION_FAILED", message: "The request is not valid" },
  FST_ERR_BAD_URL: { code: "BAD_REQUEST", message: "The URL is malformed" },
  FST_ERR_ASYNC_CONSTRAINT: { code: "BAD_REQUEST", message: "The request could not be routed" },
};

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      if (err.status >= 500) request.log.error({ err }, err.message);
      return send(reply, request, err.code, err.message, err.details);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as { validationContext?: string }).validationContext ?? "body";
      const details = err.validation.map((v) => ({
        in: where,
        path: v.instancePath.replace(/^\//, "").replaceAll("/", ".") || undefined,
        message: v.message,
        code: (v.params as { issue?: { code?: string } })?.issue?.code,
      }));
      const first = details[0];
      const message = first
        ? `Invalid ${where}${first.path ? ` at "${first.path}"` : ""}: ${first.message}`
        : "The request is not valid";
      return send(reply, request, "VALIDATION_FAILED", message, details);
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, "response did not match its schema");
      return send(reply, request, "INTERNAL", "Something went wrong on our side");
    }
    // Text PostgreSQL cannot store (a NUL character, invalid UTF-8) anywhere in the input: the
    // client's fault, refused as such wherever a schema did not already catch it.
    const pgCode = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? err.code;
    if (pgCode === "22021" || pgCode === "22P05") {
      return send(
        reply,
        request,
        "BAD_REQUEST",
        "The request contains text that cannot be stored (e.g. a NUL character)",
      );
    }
    if (err.statusCode === 429) {
      return send(reply, request, "RATE_LIMITED", err.message || "Too many requests, slow down");
    }
    const known = err.code ? FRAMEWORK_ERRORS[err.code] : undefined;
    if (known) return send(reply, request, known.code, known.message);
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Other client errors raised by plugins (e.g. multipart limits): keep the status, hide internals.
      const code = (Object.keys(ErrorStatus) as ErrorCode[]).find((c) => ErrorStatus[c] === err.statusCode);
      return reply.status(err.statusCode).send({
        error: { code: code ?? "BAD_REQUEST", message: err.message },
        requestId: String(request.id),
      });
    }
    request.log.error({ err }, "unhandled error");
    return send(reply, request, "INTERNAL", "Something went wrong on our side");
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, "NOT_FOUND", `No route for ${request.method} ${request.url.split("?")[0]}`),
  );
}
