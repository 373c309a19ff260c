import type { FastifyServerOptions } from "fastify";

// pino options shared by the HTTP server and background workers. Anything that may carry a
// credential is redacted before it reaches a log line.
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-api-key']",
  "res.headers['set-cookie']",
  "res.headers['set-auth-token']",
  "*.password",
  "*.newPassword",
  "*.currentPassword",
  "*.secret",
  "*.token",
  "*.apiKey",
  "*.key",
];

export function loggerOptions(level: string): FastifyServerOptions["logger"] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    base: { service: "minichat" },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
