import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api.ts";
import { codeCheck, normalizeCode } from "./auth-api.ts";

describe("second-factor codes", () => {
  it("accepts codes as people paste them", () => {
    expect(normalizeCode("totp", " 123 456 ")).toBe("123456");
    expect(normalizeCode("totp", "123-456")).toBe("123456");
    expect(normalizeCode("backup", " v3QKt-gLcy1 ")).toBe("v3QKt-gLcy1");
    expect(normalizeCode("backup", "v3QKt gLcy1")).toBe("v3QKtgLcy1");
  });

  it("turns a wrong code's 401 into a 400, so the app does not treat it as a lost session", async () => {
    const wrong = codeCheck(Promise.reject(new ApiError(401, "INVALID_CODE", "Invalid code")));
    await expect(wrong).rejects.toMatchObject({ status: 400, code: "INVALID_CODE" });
    const signedOut = codeCheck(Promise.reject(new ApiError(401, "UNAUTHENTICATED", "Sign in")));
    await expect(signedOut).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    const other = codeCheck(Promise.reject(new ApiError(429, "ACCOUNT_TEMPORARILY_LOCKED", "Locked")));
    await expect(other).rejects.toMatchObject({ status: 429 });
    await expect(codeCheck(Promise.resolve(1))).resolves.toBe(1);
  });
});
