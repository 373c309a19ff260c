import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { AppError } from "./errors.ts";

// Secrets at rest (provider keys, channel tokens, ...) are sealed with AES-256-GCM under a key
// ring derived from SECRET_KEY. Each ciphertext names the key id it was sealed with, so an
// operator can rotate SECRET_KEY (moving the old one to PREVIOUS_SECRET_KEYS) while old values
// keep decrypting; `isStale` tells which values a re-seal pass should rewrite.

const PREFIX = "enc:v1";

type Key = { id: string; key: Buffer };

export type KeyRing = {
  currentKeyId: string;
  seal(plaintext: string, context?: string): string;
  open(sealed: string, context?: string): string;
  /** True when the value was sealed with a key other than the current one. */
  isStale(sealed: string): boolean;
  /** A purpose-bound secret derived from SECRET_KEY (e.g. for signing cookies). */
  derive(purpose: string, bytes?: number): Buffer;
};

function deriveKey(secret: string, info: string, bytes = 32): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "minichat", info, bytes));
}

function toKey(secret: string): Key {
  const key = deriveKey(secret, "encryption-key:v1");
  const id = createHash("sha256").update(key).digest("hex").slice(0, 12);
  return { id, key };
}

export function createKeyRing(currentSecret: string, previousSecrets: string[] = []): KeyRing {
  const current = toKey(currentSecret);
  const keys = new Map<string, Key>([[current.id, current]]);
  for (const s of previousSecrets) {
    const k = toKey(s);
    if (!keys.has(k.id)) keys.set(k.id, k);
  }

  function parse(sealed: string): { key: Key; iv: Buffer; tag: Buffer; body: Buffer } {
    const parts = sealed.split(":");
    if (parts.length !== 4 || `${parts[0]}:${parts[1]}` !== PREFIX) {
      throw new AppError("INTERNAL", "Encrypted value has an unknown format");
    }
    const key = keys.get(parts[2]!);
    if (!key) {
      throw new AppError(
        "INTERNAL",
        `Encrypted value was sealed with key ${parts[2]}, which is not in SECRET_KEY or PREVIOUS_SECRET_KEYS`,
      );
    }
    const raw = Buffer.from(parts[3]!, "base64url");
    // 12-byte IV + full 16-byte tag: a truncated value must not reach the cipher (Node throws a
    // bare TypeError for an empty IV or tag, and would accept a shortened tag).
    if (raw.length < 28) throw new AppError("INTERNAL", "Encrypted value is truncated");
    return { key, iv: raw.subarray(0, 12), tag: raw.subarray(12, 28), body: raw.subarray(28) };
  }

  return {
    currentKeyId: current.id,
    seal(plaintext, context = "") {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${PREFIX}:${current.id}:${Buffer.concat([iv, tag, body]).toString("base64url")}`;
    },
    open(sealed, context = "") {
      const { key, iv, tag, body } = parse(sealed);
      const decipher = createDecipheriv("aes-256-gcm", key.key, iv, { authTagLength: 16 });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      } catch {
        throw new AppError("INTERNAL", "Encrypted value failed authentication (tampered or wrong context)");
      }
    },
    isStale(sealed) {
      return sealed.split(":")[2] !== current.id;
    },
    derive(purpose, bytes = 32) {
      return deriveKey(currentSecret, `purpose:${purpose}`, bytes);
    },
  };
}

export function sha256Hex(value: string | Uint8Array): string {
  return createHash("sha256").update(value).digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
