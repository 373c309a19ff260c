import { describe, expect, it } from "vitest";
import { createPreferenceTokens } from "./preference-token.ts";

// The token in unsubscribe links: bound to one address and to SECRET_KEY, and still good after
// the key is rotated (old emails keep working while the old key is in PREVIOUS_SECRET_KEYS).

const OLD = "old-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz";
const NEW = "new-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz";

describe("preference tokens", () => {
  it("name the address they were made for, lower-cased", () => {
    const tokens = createPreferenceTokens({ secretKey: NEW });
    expect(tokens.verify(tokens.sign("Ann@Example.com"))).toBe("ann@example.com");
    expect(tokens.sign("ann@example.com")).toBe(tokens.sign("ANN@example.com"));
  });

  it("are refused when changed, cut off or made with another key", () => {
    const tokens = createPreferenceTokens({ secretKey: NEW });
    const good = tokens.sign("ann@example.com");
    const [, mac] = good.split(".");
    const other = `${Buffer.from("bob@example.com").toString("base64url")}.${mac}`;
    const lastChar = good.at(-1) === "A" ? "B" : "A";
    for (const bad of [
      other,
      `${good.slice(0, -1)}${lastChar}`,
      good.slice(0, -2),
      good.split(".")[0]!,
      `.${mac}`,
      "",
      "not a token",
      createPreferenceTokens({ secretKey: OLD }).sign("ann@example.com"),
    ]) {
      expect(tokens.verify(bad)).toBeNull();
    }
  });

  it("keep working after SECRET_KEY rotation while the old key is listed", () => {
    const before = createPreferenceTokens({ secretKey: OLD }).sign("ann@example.com");
    const rotated = createPreferenceTokens({ secretKey: NEW, previousSecretKeys: [OLD] });
    expect(rotated.verify(before)).toBe("ann@example.com");
    expect(rotated.sign("ann@example.com")).not.toBe(before);
    expect(createPreferenceTokens({ secretKey: NEW }).verify(before)).toBeNull();
  });
});
