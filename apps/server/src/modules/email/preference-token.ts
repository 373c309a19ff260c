import { createHmac } from "node:crypto";
import type { Config } from "../../platform/config.ts";
import { createKeyRing, safeEqual } from "../../platform/crypto.ts";

// The unsubscribe / preferences link works without signing in: it carries the address and an
// HMAC of it under a key derived from SECRET_KEY. It does not expire (a link in a months-old
// email must still unsubscribe) and cannot be made for another address without the key.
// Tokens signed before a SECRET_KEY rotation keep working while the old key is listed in
// PREVIOUS_SECRET_KEYS.

const PURPOSE = "email-preferences:v1";
/** 128 bits of MAC: unforgeable, and short enough for a List-Unsubscribe header. */
const MAC_BYTES = 16;

export type PreferenceTokens = {
  sign(email: string): string;
  /** The lower-cased address the token was made for, or null when it is not one of ours. */
  verify(token: string): string | null;
};

export function createPreferenceTokens(
  config: Pick<Config, "secretKey"> & Partial<Pick<Config, "previousSecretKeys">>,
): PreferenceTokens {
  const keys = [config.secretKey, ...(config.previousSecretKeys ?? [])].map((s) =>
    createKeyRing(s).derive(PURPOSE),
  );
  const mac = (key: Buffer, email: string) =>
    createHmac("sha256", key).update(email).digest().subarray(0, MAC_BYTES).toString("base64url");

  return {
    sign(email) {
      const address = email.toLowerCase();
      return `${Buffer.from(address).toString("base64url")}.${mac(keys[0]!, address)}`;
    },
    verify(token) {
      const dot = token.lastIndexOf(".");
      if (dot <= 0 || token.length > 600) return null;
      const address = Buffer.from(token.slice(0, dot), "base64url").toString("utf8");
      if (!address.includes("@") || address !== address.toLowerCase()) return null;
      const given = token.slice(dot + 1);
      return keys.some((k) => safeEqual(mac(k, address), given)) ? address : null;
    },
  };
}
