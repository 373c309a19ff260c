import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { AppError } from "../../../platform/errors.ts";
import type { VerifiedWebhook } from "../billing-provider.ts";

const header = (headers: IncomingHttpHeaders, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const invalid = (why: string) =>
  new AppError("WEBHOOK_SIGNATURE_INVALID", `The Lemon Squeezy webhook signature is not valid: ${why}`);

/**
 * Checks a Lemon Squeezy delivery: `X-Signature` is the hex HMAC-SHA256 of the raw body keyed
 * with the webhook's signing secret (https://docs.lemonsqueezy.com/help/webhooks/signing-requests).
 * Fails closed: no secret configured, no header, or a mismatch all refuse the delivery.
 */
export function verifyLemonSqueezyWebhook(
  rawBody: Buffer,
  headers: IncomingHttpHeaders,
  secret: string | undefined,
): VerifiedWebhook {
  if (!secret) throw invalid("LEMONSQUEEZY_WEBHOOK_SECRET is not set on this server");
  const signature = header(headers, "x-signature")?.trim().toLowerCase();
  if (!signature) throw invalid("the X-Signature header is missing");
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, "hex") : null;
  if (!given || !timingSafeEqual(given, expected)) throw invalid("it does not match the body");

  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw new AppError("BAD_REQUEST", "The Lemon Squeezy webhook body is not JSON");
  }
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
    throw new AppError("BAD_REQUEST", "The Lemon Squeezy webhook body is not a JSON object");
  }
  const meta = payload.meta as { event_name?: unknown } | undefined;
  const type = typeof meta?.event_name === "string" ? meta.event_name : header(headers, "x-event-name");
  if (!type) throw new AppError("BAD_REQUEST", "The Lemon Squeezy webhook names no event (meta.event_name)");

  // Lemon Squeezy sends no event id (meta.webhook_id names the webhook endpoint, the same for
  // every delivery). A retry re-sends the very same bytes, and two real events always differ
  // (event name, object id or updated_at), so the hash of the signed body is a stable id that
  // makes redeliveries duplicates and nothing else.
  const eventId = `sha256:${createHash("sha256").update(rawBody).digest("hex")}`;
  return { eventId, type, payload };
}
