import { ZCreateActionRequest, ZUpdateActionRequest } from "@minichat/contracts";
import { describe, expect, it } from "vitest";
import { parametersOf, rowsFromSchema, schemaFromRows, toActionBody, toActionDraft } from "./action-draft.ts";
import type { TAction } from "./agents-api.ts";

const saved: TAction = {
  id: "act_00000000000000000001",
  agentId: "agt_00000000000000000001",
  name: "check_order",
  description: "Looks up an order",
  parameters: {
    type: "object",
    properties: { order_id: { type: "string", description: "The order number" } },
    required: ["order_id"],
  },
  method: "GET",
  url: "https://api.example.com/orders",
  headerNames: ["Authorization"],
  timeoutMs: 5000,
  enabled: true,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

describe("action parameters", () => {
  it("turn rows into a JSON Schema and back", () => {
    const rows = [
      { name: "order_id", type: "string" as const, description: "The order number", required: true },
      { name: "qty", type: "integer" as const, description: "", required: false },
      { name: " ", type: "string" as const, description: "", required: true },
    ];
    const schema = schemaFromRows(rows);
    expect(schema).toEqual({
      type: "object",
      properties: { order_id: { type: "string", description: "The order number" }, qty: { type: "integer" } },
      required: ["order_id"],
    });
    expect(rowsFromSchema(schema)).toEqual(rows.slice(0, 2));
  });

  it("keep a schema the rows cannot show as JSON", () => {
    const nested = { type: "object", properties: { items: { type: "array", items: { type: "string" } } } };
    expect(rowsFromSchema(nested)).toBeNull();
    const d = toActionDraft({ ...saved, parameters: nested });
    expect(d.paramsMode).toBe("json");
    expect(parametersOf(d)).toEqual(nested);
    expect(parametersOf({ ...d, paramsJson: "{ not json" })).toBe("json");
  });
});

describe("the action body", () => {
  it("keeps stored secret headers unless they are entered again", () => {
    const d = toActionDraft(saved);
    expect(d.savedHeaderNames).toEqual(["Authorization"]);
    const body = toActionBody(d, parametersOf(d) as Record<string, unknown>);
    expect(body).not.toHaveProperty("headers");
    expect(body.timeoutMs).toBe(5000);
    expect(ZUpdateActionRequest.safeParse(body).success).toBe(true);

    const again = { ...d, replaceHeaders: true, headers: [{ name: "Authorization", value: "Bearer new" }] };
    expect(toActionBody(again, {}).headers).toEqual({ Authorization: "Bearer new" });
  });

  it("is checked by the server's schema, which names the bad field", () => {
    const d = { ...toActionDraft(), name: "Check Order", description: "x", url: "not a url" };
    const r = ZCreateActionRequest.safeParse(toActionBody(d, parametersOf(d) as Record<string, unknown>));
    expect(r.error?.issues.map((i) => i.path.join(".")).sort()).toEqual(["name", "url"]);
  });
});
