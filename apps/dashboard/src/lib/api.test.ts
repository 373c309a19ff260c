import { describe, expect, it } from "vitest";
import { ApiError } from "./api.ts";

describe("ApiError.fieldErrors", () => {
  it("reads a validation answer's list, first message per field", () => {
    const e = new ApiError(400, "VALIDATION_FAILED", "Invalid", [
      { path: "email", message: "Not an email" },
      { path: "email", message: "Second" },
      { path: "name", message: "Required" },
    ]);
    expect(e.fieldErrors()).toEqual({ email: "Not an email", name: "Required" });
  });

  it("reads an error that names the one field it is about, with its own message", () => {
    const e = new ApiError(400, "VALIDATION_FAILED", "The cursor is not valid", { field: "cursor" });
    expect(e.fieldErrors()).toEqual({ cursor: "The cursor is not valid" });
    expect(new ApiError(500, "INTERNAL", "Boom").fieldErrors()).toEqual({});
  });
});
