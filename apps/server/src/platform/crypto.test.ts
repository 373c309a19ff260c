import { describe, expect, it } from "vitest";
import { createKeyRing, safeEqual, sha256Hex } from "./crypto.ts";
import { AppError } from "./errors.ts";

const SECRET_A = "secret-a-0123456789-abcdefghijklmnopqrstuvwxyz";
const SECRET_B = "secret-b-0123456789-abcdefghijklmnopqrstuvwxyz";

/** Runs fn, which must throw an AppError; returns it. */
function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected an AppError");
}

/** Flips one bit of the decoded payload (IV, tag or body) and re-encodes it. */
function tamper(sealed: string, byteIndex: number): string {
  const parts = sealed.split(":");
  const raw = Buffer.from(parts[3]!, "base64url");
  raw[byteIndex]! ^= 0x01;
  return [...parts.slice(0, 3), raw.toString("base64url")].join(":");
}

describe("key ring: seal and open", () => {
  const ring = createKeyRing(SECRET_A);

  it.each([
    ["ASCII", "sk-live-0123456789abcdef"],
    ["Thai", "สวัสดีครับ ร้านกาแฟของเรา"],
    ["Russian", "Привет, мир! Ключ доступа: ёжик"],
    ["emoji and control characters", "🔑\u0000\n\ttail"],
    ["empty string", ""],
    ["a long value", "x".repeat(100_000)],
  ])("round-trips %s", (_label, plaintext) => {
    const sealed = ring.seal(plaintext);
    expect(sealed.startsWith(`enc:v1:${ring.currentKeyId}:`)).toBe(true);
    expect(sealed).not.toContain(plaintext || "\u0001");
    expect(ring.open(sealed)).toBe(plaintext);
  });

  it("produces a different ciphertext every time", () => {
    const values = new Set(Array.from({ length: 20 }, () => ring.seal("same value")));
    expect(values.size).toBe(20);
    for (const v of values) expect(ring.open(v)).toBe("same value");
  });

  it("opens under a second ring built from the same secret", () => {
    expect(createKeyRing(SECRET_A).open(ring.seal("portable", "ctx"), "ctx")).toBe("portable");
  });

  it("rejects tampering anywhere in the payload", () => {
    const sealed = ring.seal("do not touch", "ctx");
    const length = Buffer.from(sealed.split(":")[3]!, "base64url").length;
    // IV (0..11), tag (12..27), body (28..)
    for (const i of [0, 11, 12, 27, 28, length - 1]) {
      const err = appError(() => ring.open(tamper(sealed, i), "ctx"));
      expect(err.message).toMatch(/failed authentication/);
    }
  });

  it("rejects malformed and truncated values with a clear error", () => {
    const sealed = ring.seal("whole");
    const [p, v, id, body] = sealed.split(":") as [string, string, string, string];
    const raw = Buffer.from(body, "base64url");
    for (const n of [0, 5, 12, 16, 27]) {
      const err = appError(() => ring.open(`${p}:${v}:${id}:${raw.subarray(0, n).toString("base64url")}`));
      expect(err.message).toMatch(/truncated/);
    }
    for (const bad of ["plain text", "enc:v2:abc:def", `enc:v1:${id}`, `${sealed}:extra`]) {
      expect(appError(() => ring.open(bad)).message).toMatch(/unknown format/);
    }
  });

  it("binds the value to its context (AAD)", () => {
    const sealed = ring.seal("channel token", "workspace:ws_1:channel:telegram");
    expect(ring.open(sealed, "workspace:ws_1:channel:telegram")).toBe("channel token");
    for (const wrong of ["workspace:ws_2:channel:telegram", ""]) {
      expect(appError(() => ring.open(sealed, wrong)).message).toMatch(/wrong context/);
    }
    const noContext = ring.seal("no context");
    expect(appError(() => ring.open(noContext, "some-context")).code).toBe("INTERNAL");
  });
});

describe("key ring: rotation", () => {
  const ringA = createKeyRing(SECRET_A);
  const ringB = createKeyRing(SECRET_B, [SECRET_A]);
  const ringBOnly = createKeyRing(SECRET_B);

  it("gives each secret its own stable key id", () => {
    expect(ringA.currentKeyId).toMatch(/^[0-9a-f]{12}$/);
    expect(ringB.currentKeyId).not.toBe(ringA.currentKeyId);
    expect(ringBOnly.currentKeyId).toBe(ringB.currentKeyId);
  });

  it("opens old values with a previous key and reports them stale", () => {
    const old = ringA.seal("provider key", "ctx");
    expect(ringA.isStale(old)).toBe(false);
    expect(ringB.open(old, "ctx")).toBe("provider key");
    expect(ringB.isStale(old)).toBe(true);
  });

  it("fails clearly, naming the key id, when the old secret is gone", () => {
    const old = ringA.seal("provider key");
    const err = appError(() => ringBOnly.open(old));
    expect(err.code).toBe("INTERNAL");
    expect(err.message).toContain(ringA.currentKeyId);
    expect(err.message).toContain("PREVIOUS_SECRET_KEYS");
    expect(err.message).not.toContain(SECRET_A);
  });

  it("re-sealing under the new key makes the value current", () => {
    const old = ringA.seal("provider key", "ctx");
    const resealed = ringB.seal(ringB.open(old, "ctx"), "ctx");
    expect(ringB.isStale(resealed)).toBe(false);
    expect(resealed.split(":")[2]).toBe(ringB.currentKeyId);
    expect(ringBOnly.open(resealed, "ctx")).toBe("provider key");
    // The old ring does not know the new key.
    expect(appError(() => ringA.open(resealed, "ctx")).message).toContain(ringB.currentKeyId);
  });

  it("ignores duplicate previous secrets", () => {
    const ring = createKeyRing(SECRET_B, [SECRET_B, SECRET_A, SECRET_A]);
    expect(ring.open(ringA.seal("x"))).toBe("x");
    expect(ring.open(ring.seal("y"))).toBe("y");
  });
});

describe("key ring: derived secrets and helpers", () => {
  it("derives stable, purpose-bound secrets of the requested size", () => {
    const a = createKeyRing(SECRET_A);
    expect(a.derive("cookies").equals(createKeyRing(SECRET_A).derive("cookies"))).toBe(true);
    expect(a.derive("cookies").equals(a.derive("webhooks"))).toBe(false);
    expect(a.derive("cookies").equals(createKeyRing(SECRET_B).derive("cookies"))).toBe(false);
    expect(a.derive("cookies")).toHaveLength(32);
    expect(a.derive("short", 16)).toHaveLength(16);
  });

  it("hashes and compares", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(safeEqual("same", "same")).toBe(true);
    expect(safeEqual("same", "sane")).toBe(false);
    expect(safeEqual("short", "longer value")).toBe(false);
    expect(safeEqual("ключ", "ключ")).toBe(true);
  });
});
