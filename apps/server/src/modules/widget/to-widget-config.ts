import type { TVisitorMessage, TWidgetConfig } from "@minichat/contracts";
import type { AgentRow } from "../agents/agents.repo.ts";
import type { MessageRow } from "../conversations/conversations.repo.ts";

const DEFAULT_COLOR = "#2563eb";

/** What the widget shows: appearance and greetings only; nothing about models or secrets. */
export function toWidgetConfig(agent: AgentRow): TWidgetConfig {
  const w = agent.widget;
  const agentLocale = agent.language === "en" || agent.language === "th" || agent.language === "ru";
  return {
    agentName: w.displayName ?? agent.name,
    avatarUrl: w.avatarUrl ?? null,
    color: w.color ?? DEFAULT_COLOR,
    position: w.position ?? "bottom-right",
    theme: w.theme ?? "auto",
    welcomeMessage: agent.welcomeMessage,
    suggestedQuestions: agent.suggestedQuestions,
    defaultLocale:
      w.defaultLocale ?? (agentLocale ? (agent.language as TWidgetConfig["defaultLocale"]) : "en"),
    requireContactForm: w.requireContactForm ?? false,
    proactive: w.proactive?.enabled ? w.proactive : null,
  };
}

export function toVisitorMessage(m: MessageRow): TVisitorMessage {
  return {
    id: m.id,
    role: m.role as TVisitorMessage["role"],
    content: m.content,
    citations: m.citations.map((c) => ({ index: c.index, title: c.title, url: c.url })),
    feedback: m.feedback === 1 || m.feedback === -1 ? m.feedback : null,
    createdAt: m.createdAt.toISOString(),
  };
}
