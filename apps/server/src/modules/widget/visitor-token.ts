import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// A visitor token is 256 random bits; only its sha256 is stored, so a database leak does not
// hand out live conversations. It expires, and is extended while the visitor keeps using it.

export const VISITOR_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Extending costs a write, so it happens at most once a day per conversation. */
export const VISITOR_TOKEN_REFRESH_MS = 24 * 60 * 60 * 1000;

const TOKEN = /^vt_[A-Za-z0-9_-]{43}$/;

export function newVisitorToken(): { token: string; hash: string } {
  const token = `vt_${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashVisitorToken(token) };
}

export function hashVisitorToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The token of `Authorization: Bearer vt_…`, or null when absent or not shaped like one. */
export function bearerVisitorToken(authorization: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  return m && TOKEN.test(m[1]!) ? m[1]! : null;
}

/** True when `userHash` is hex HMAC-SHA256(userId) under the agent's identity secret. */
export function verifyUserHash(secret: string, userId: string, userHash: string): boolean {
  const expected = createHmac("sha256", secret).update(userId).digest();
  if (!/^[0-9a-fA-F]{64}$/.test(userHash)) return false;
  return timingSafeEqual(expected, Buffer.from(userHash, "hex"));
}
