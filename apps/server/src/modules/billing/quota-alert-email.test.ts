import { describe, expect, it } from "vitest";
import { LOCALES } from "../email/index.ts";
import { renderEmail } from "../email/templates.ts";

// The quota alert in every language: numbers in the subject, the link in both parts, the
// workspace name escaped in HTML.

const vars = (threshold: number) => ({
  name: "Ann",
  workspaceName: "Tom & <Jerry>",
  threshold,
  used: threshold === 100 ? 250 : 200,
  max: 250,
  url: "https://chat.example.com/workspaces/ws_1/billing",
});

describe("quota-alert email", () => {
  it.each(LOCALES)("renders 80 %% and 100 %% in %s", (locale) => {
    const warn = renderEmail("quota-alert", locale, vars(80));
    expect(warn.subject).toContain("80%");
    expect(warn.text).toContain("200");
    expect(warn.text).toContain("250");
    const full = renderEmail("quota-alert", locale, vars(100));
    expect(full.subject).not.toBe(warn.subject);
    expect(full.text).toContain("250");
    for (const e of [warn, full]) {
      expect(e.text).toContain(vars(80).url);
      expect(e.html).toContain(vars(80).url);
      expect(e.html).toContain("Tom &amp; &lt;Jerry&gt;");
      expect(e.html).not.toContain("<Jerry>");
    }
  });
});
