import type { TAgent, TProviderId, TUpdateAgentRequest, TWidgetSettings } from "@minichat/contracts";

// The editor's working copy of an agent: strings where the user types (so a half-typed number
// stays as typed), turned into the API's body only when saved. Pure functions, unit-tested.

export const DEFAULT_COLOR = "#2563eb";

export type QuickAnswer = { question: string; answer: string };

export type AgentDraft = {
  name: string;
  instructions: string;
  language: TAgent["language"];
  /** "provider:model" */
  model: string;
  temperature: string;
  maxTokens: string;
  /** "provider:model", or "" for no fallback */
  fallback: string;
  welcomeMessage: string;
  suggestedQuestions: string[];
  quickAnswers: QuickAnswer[];
  unknownAnswerBehaviour: TAgent["unknownAnswerBehaviour"];
  status: TAgent["status"];
  allowedOrigins: string[];
  widget: {
    color: string;
    position: "bottom-right" | "bottom-left";
    theme: "light" | "dark" | "auto";
    displayName: string;
    avatarUrl: string;
    defaultLocale: "en" | "th" | "ru";
    requireContactForm: boolean;
    proactiveEnabled: boolean;
    proactiveDelay: string;
    proactiveMessage: string;
    proactivePages: string;
  };
};

const modelKey = (provider: string, model: string) => `${provider}:${model}`;

export function splitModel(key: string): { provider: TProviderId; model: string } | null {
  const i = key.indexOf(":");
  return i > 0 ? { provider: key.slice(0, i) as TProviderId, model: key.slice(i + 1) } : null;
}

/** What the widget falls back to when a setting was never chosen (as the server does). */
function defaultLocale(a: TAgent): "en" | "th" | "ru" {
  if (a.widget.defaultLocale) return a.widget.defaultLocale;
  return a.language === "auto" ? "en" : a.language;
}

export function toDraft(a: TAgent): AgentDraft {
  const w = a.widget;
  return {
    name: a.name,
    instructions: a.instructions,
    language: a.language,
    model: modelKey(a.provider, a.model),
    temperature: String(a.temperature),
    maxTokens: String(a.maxTokens),
    fallback: a.fallback ? modelKey(a.fallback.provider, a.fallback.model) : "",
    welcomeMessage: a.welcomeMessage ?? "",
    suggestedQuestions: [...a.suggestedQuestions],
    quickAnswers: a.quickAnswers.map((q) => ({ ...q })),
    unknownAnswerBehaviour: a.unknownAnswerBehaviour,
    status: a.status,
    allowedOrigins: [...a.allowedOrigins],
    widget: {
      color: w.color ?? DEFAULT_COLOR,
      position: w.position ?? "bottom-right",
      theme: w.theme ?? "auto",
      displayName: w.displayName ?? "",
      avatarUrl: w.avatarUrl ?? "",
      defaultLocale: defaultLocale(a),
      requireContactForm: w.requireContactForm ?? false,
      proactiveEnabled: w.proactive?.enabled ?? false,
      proactiveDelay: String(w.proactive?.delaySeconds ?? 10),
      proactiveMessage: w.proactive?.message ?? "",
      proactivePages: (w.proactive?.urlPatterns ?? []).join("\n"),
    },
  };
}

/** A typed number, or NaN for an empty box (which the schema then refuses by its field). */
const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
const orNull = (s: string) => (s.trim() ? s.trim() : null);
const lines = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

export function widgetBody(d: AgentDraft["widget"]): TWidgetSettings {
  return {
    color: d.color,
    position: d.position,
    theme: d.theme,
    displayName: orNull(d.displayName),
    avatarUrl: orNull(d.avatarUrl),
    defaultLocale: d.defaultLocale,
    requireContactForm: d.requireContactForm,
    proactive: {
      enabled: d.proactiveEnabled,
      delaySeconds: num(d.proactiveDelay),
      urlPatterns: lines(d.proactivePages),
      message: orNull(d.proactiveMessage),
    },
  };
}

/** Every editable field as the API's body. */
export function toBody(d: AgentDraft) {
  const model = splitModel(d.model);
  return {
    name: d.name,
    instructions: d.instructions,
    language: d.language,
    ...(model ?? {}),
    temperature: num(d.temperature),
    maxTokens: num(d.maxTokens),
    fallback: splitModel(d.fallback),
    welcomeMessage: orNull(d.welcomeMessage),
    suggestedQuestions: d.suggestedQuestions.map((q) => q.trim()).filter(Boolean),
    quickAnswers: d.quickAnswers
      .map((q) => ({ question: q.question.trim(), answer: q.answer.trim() }))
      .filter((q) => q.question || q.answer),
    unknownAnswerBehaviour: d.unknownAnswerBehaviour,
    status: d.status,
    allowedOrigins: d.allowedOrigins.map((o) => o.trim()).filter(Boolean),
    widget: widgetBody(d.widget),
  } satisfies TUpdateAgentRequest;
}

type Body = ReturnType<typeof toBody>;

/**
 * Only the fields that differ from the saved agent: a save of the welcome message does not
 * re-check a model whose key was removed since, and a teammate's change elsewhere survives.
 */
export function changedFields(draft: AgentDraft, saved: TAgent): Partial<Body> {
  const next = toBody(draft);
  const before = toBody(toDraft(saved));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof Body)[]) {
    if (JSON.stringify(next[key]) !== JSON.stringify(before[key])) out[key] = next[key];
  }
  // Provider and model are checked together by the server.
  if ("provider" in out || "model" in out) Object.assign(out, splitModel(draft.model));
  return out as Partial<Body>;
}

export function isDirty(draft: AgentDraft, saved: TAgent): boolean {
  return Object.keys(changedFields(draft, saved)).length > 0;
}

export const TABS = ["basics", "model", "behaviour", "actions", "widget"] as const;
export type Tab = (typeof TABS)[number];

/** Which tab shows a field, so an error there can be pointed at. */
export function tabOf(path: string): Tab {
  const top = path.split(".")[0] ?? "";
  if (["provider", "model", "temperature", "maxTokens", "fallback"].includes(top)) return "model";
  if (["welcomeMessage", "suggestedQuestions", "quickAnswers", "unknownAnswerBehaviour"].includes(top)) {
    return "behaviour";
  }
  if (["widget", "allowedOrigins", "status", "rotatePublicKey"].includes(top)) return "widget";
  return "basics";
}

/** The `<script>` tag a site owner pastes before `</body>`. */
export function embedSnippet(origin: string, publicKey: string): string {
  return `<script src="${origin}/widget.js" data-agent="${publicKey}" async></script>`;
}
