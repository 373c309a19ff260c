import type { TFunction } from "i18next";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api.ts";
import { fromServer, messagesByPath } from "./field-errors.ts";

const t = ((key: string) => key) as unknown as TFunction;

describe("field errors", () => {
  it("reads the server's schema details and an AppError naming its field", () => {
    const schema = new ApiError(400, "VALIDATION_FAILED", "bad", [
      { in: "body", path: "allowedOrigins.0", message: "an origin such as…", code: "invalid_format" },
      { in: "body", path: "allowedOrigins.0", message: "second", code: "too_big" },
    ]);
    expect(messagesByPath(fromServer(schema), t, "agent")).toEqual({
      "allowedOrigins.0": "editor.errors.origin",
    });

    const refused = new ApiError(400, "URL_NOT_ALLOWED", "private", { reason: "private" });
    expect(messagesByPath(fromServer(refused), t, "action")).toEqual({ url: "editor.errors.urlNotAllowed" });
    const taken = new ApiError(409, "CONFLICT", "taken", { field: "name" });
    expect(messagesByPath(fromServer(taken), t, "action")).toEqual({ name: "editor.errors.actionNameTaken" });
  });

  it("translates by field kind, then by code", () => {
    const text = (path: string, code: string, form: "agent" | "action" = "agent") =>
      messagesByPath([{ path, code }], t, form)[path];
    expect(text("widget.color", "invalid_format")).toBe("editor.errors.color");
    expect(text("url", "invalid_format", "action")).toBe("editor.errors.url");
    expect(text("name", "invalid_format", "action")).toBe("editor.errors.actionName");
    expect(text("name", "too_small")).toBe("validation.tooSmall");
    expect(text("temperature", "too_big")).toBe("validation.tooBig");
    expect(text("maxTokens", "invalid_type")).toBe("validation.invalid");
  });
});
