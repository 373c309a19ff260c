import { API_KEY_SCOPES } from "@minichat/contracts";
import { describe, expect, it } from "vitest";
import { groupScopes, keyState, scopeKey } from "./api-keys-api.ts";

describe("API keys on screen", () => {
  it("group every scope by its area, in the contract's order", () => {
    const groups = groupScopes(API_KEY_SCOPES);
    expect(groups.map((g) => g.area)).toEqual(["workspace", "agents", "conversations", "knowledge", "leads"]);
    expect(groups.flatMap((g) => g.scopes)).toEqual([...API_KEY_SCOPES]);
    expect(groups[1]).toEqual({ area: "agents", scopes: ["agents:read", "agents:write"] });
  });

  it("name scopes as translation keys without the namespace separator", () => {
    expect(scopeKey("leads:write")).toBe("scopes.leads_write");
  });

  it("tell active, expired and revoked keys apart", () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    expect(keyState({ revokedAt: null, expiresAt: null }, now)).toBe("active");
    expect(keyState({ revokedAt: null, expiresAt: "2026-07-01T00:00:00Z" }, now)).toBe("active");
    expect(keyState({ revokedAt: null, expiresAt: "2026-05-01T00:00:00Z" }, now)).toBe("expired");
    expect(keyState({ revokedAt: "2026-05-02T00:00:00Z", expiresAt: "2026-05-01T00:00:00Z" }, now)).toBe(
      "revoked",
    );
  });
});
