import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api.ts";
import { fieldOfError } from "./providers-api.ts";

describe("fieldOfError", () => {
  it("puts a refused key by the key field", () => {
    const e = new ApiError(422, "PROVIDER_CHECK_FAILED", "openai rejected the API key (HTTP 401)", {
      provider: "openai",
      status: 401,
    });
    expect(fieldOfError(e, true)).toBe("apiKey");
  });

  it("puts an unreachable server by the address field when there is one", () => {
    const e = new ApiError(422, "PROVIDER_CHECK_FAILED", "could not be reached", { provider: "ollama" });
    expect(fieldOfError(e, true)).toBe("baseUrl");
    expect(fieldOfError(e, false)).toBe("apiKey");
  });

  it("reads the field of validation errors in both shapes", () => {
    expect(fieldOfError(new ApiError(400, "VALIDATION_FAILED", "x", { field: "apiKey" }), true)).toBe(
      "apiKey",
    );
    expect(
      fieldOfError(new ApiError(400, "VALIDATION_FAILED", "x", [{ path: "baseUrl", message: "bad" }]), true),
    ).toBe("baseUrl");
    expect(fieldOfError(new ApiError(400, "URL_NOT_ALLOWED", "private"), true)).toBe("baseUrl");
    expect(fieldOfError(new ApiError(500, "INTERNAL", "x"), true)).toBeNull();
  });
});
