import { describe, expect, it } from "vitest";
import { teamPermissions } from "./team-api.ts";

describe("what the team screen offers each role (as the server's role matrix allows)", () => {
  it("owners manage everyone and may grant the owner role; owners are never removable", () => {
    const p = teamPermissions("owner");
    expect(p.invite).toBe(true);
    expect(p.grantable).toEqual(["owner", "admin", "operator", "viewer"]);
    expect(p.changeRole("owner")).toBe(true);
    expect(p.remove("admin")).toBe(true);
    expect(p.remove("owner")).toBe(false);
  });

  it("admins manage everyone but owners, and cannot grant the owner role", () => {
    const p = teamPermissions("admin");
    expect(p.grantable).toEqual(["admin", "operator", "viewer"]);
    expect(p.changeRole("owner")).toBe(false);
    expect(p.changeRole("viewer")).toBe(true);
    expect(p.remove("operator")).toBe(true);
  });

  it("operators and viewers only look", () => {
    for (const role of ["operator", "viewer", undefined] as const) {
      const p = teamPermissions(role);
      expect([p.invite, p.changeRole("viewer"), p.remove("viewer")]).toEqual([false, false, false]);
    }
  });
});
