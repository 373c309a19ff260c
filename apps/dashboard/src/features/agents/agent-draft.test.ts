import { type TAgent, ZUpdateAgentRequest } from "@minichat/contracts";
import { describe, expect, it } from "vitest";
import { changedFields, embedSnippet, isDirty, tabOf, toBody, toDraft } from "./agent-draft.ts";

const agent: TAgent = {
  id: "agt_00000000000000000001",
  workspaceId: "ws_000000000000000000001",
  name: "Mia",
  instructions: "Be brief.",
  provider: "builtin",
  model: "builtin",
  modelLabel: "Built-in (no AI model)",
  temperature: 0.3,
  maxTokens: 1024,
  fallback: null,
  welcomeMessage: null,
  suggestedQuestions: [],
  quickAnswers: [],
  language: "th",
  unknownAnswerBehaviour: "say-so",
  publicKey: "pk_test",
  status: "draft",
  widget: {},
  allowedOrigins: [],
  identitySecretSet: false,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

describe("the agent draft", () => {
  it("is clean when nothing was touched, even with widget settings never chosen", () => {
    const d = toDraft(agent);
    expect(isDirty(d, agent)).toBe(false);
    expect(changedFields(d, agent)).toEqual({});
    // The widget's language defaults to the agent's reply language, as the server's does.
    expect(d.widget.defaultLocale).toBe("th");
  });

  it("sends only what changed, and provider with model together", () => {
    const d = toDraft(agent);
    d.welcomeMessage = "  Hi!  ";
    d.temperature = "0.7";
    d.model = "openai:gpt-4o-mini";
    expect(changedFields(d, agent)).toEqual({
      welcomeMessage: "Hi!",
      temperature: 0.7,
      provider: "openai",
      model: "gpt-4o-mini",
    });
  });

  it("drops empty list rows and sends the whole widget when one setting changes", () => {
    const d = toDraft(agent);
    d.suggestedQuestions = ["Opening hours?", "  ", ""];
    d.allowedOrigins = [" https://shop.example ", ""];
    d.widget.color = "#aa3300";
    d.fallback = "builtin:builtin";
    const body = changedFields(d, agent);
    expect(body.suggestedQuestions).toEqual(["Opening hours?"]);
    expect(body.allowedOrigins).toEqual(["https://shop.example"]);
    expect(body.fallback).toEqual({ provider: "builtin", model: "builtin" });
    expect(body.widget).toMatchObject({ color: "#aa3300", position: "bottom-right", displayName: null });
    expect(ZUpdateAgentRequest.safeParse(body).success).toBe(true);
  });

  it("lets the server's schema point at a bad field by its path", () => {
    const d = toDraft(agent);
    d.maxTokens = "";
    d.allowedOrigins = ["shop.example/path"];
    const r = ZUpdateAgentRequest.safeParse(changedFields(d, agent));
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join(".")).sort();
    expect(paths).toEqual(["allowedOrigins.0", "maxTokens"]);
    expect(paths?.map(tabOf)).toEqual(["widget", "model"]);
  });

  it("round-trips a fully set agent", () => {
    const full: TAgent = {
      ...agent,
      fallback: { provider: "builtin", model: "builtin" },
      welcomeMessage: "Hello",
      suggestedQuestions: ["a"],
      quickAnswers: [{ question: "q", answer: "a" }],
      allowedOrigins: ["https://shop.example"],
      widget: {
        color: "#112233",
        position: "bottom-left",
        theme: "dark",
        avatarUrl: "https://shop.example/a.png",
        displayName: "Mia at Acme",
        defaultLocale: "ru",
        requireContactForm: true,
        proactive: { enabled: true, delaySeconds: 5, urlPatterns: ["/pricing*"], message: "Need help?" },
      },
    };
    expect(toBody(toDraft(full))).toMatchObject({
      fallback: full.fallback,
      quickAnswers: full.quickAnswers,
      widget: full.widget,
    });
    expect(isDirty(toDraft(full), full)).toBe(false);
  });

  it("makes the embed snippet from the host and the public key", () => {
    expect(embedSnippet("https://chat.example", "pk_1")).toBe(
      '<script src="https://chat.example/widget.js" data-agent="pk_1" async></script>',
    );
  });
});
