import type { TextStreamPart, ToolSet } from "ai";
import type { MessageCitation, MessageToolCall } from "../../db/schema/index.ts";
import type { Config } from "../../platform/config.ts";
import type { Database } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Clock, Logger } from "../../platform/types.ts";
import type { ActionRow, AgentRow } from "../agents/agents.repo.ts";
import type { Meter, Reservation } from "../billing/meter.ts";
import { isKnowledgeGap, normalizeQuestion } from "../knowledge/knowledge-gaps.ts";
import { modelLabel } from "../providers/catalogue.ts";
import type { CredentialRow } from "../providers/credentials.repo.ts";
import type { PriceBook } from "../providers/prices.ts";
import { buildTools, captureLead, requestHandoff, type ToolDeps, ZLeadInput } from "./agent-tools.ts";
import { buildHistory, buildSystemPrompt, estimateTokens } from "./build-prompt.ts";
import { chunkForStreaming, respondBuiltin } from "./builtin-responder.ts";
import { AllModelsFailedError, describeFailure, type ModelCaller } from "./call-model.ts";
import { type ConversationRow, touchConversation } from "./conversations.repo.ts";
import type { Retriever } from "./retrieval.ts";
import { detectLanguage, type Lang } from "./text-match.ts";
import { beginTurn, type HistoryMessage, storeAnswer } from "./turn.repo.ts";

export type TurnEvent =
  /** `notice`: the polite failure message, not the model's words (programs may skip it). */
  | { type: "token"; text: string; notice?: true }
  | { type: "citation"; citation: MessageCitation }
  | { type: "tool"; name: string; status: "called" | "done" | "failed" };

export type TurnUsage = {
  provider: string;
  model: string;
  modelLabel: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
};

export type TurnResult = {
  conversationId: string;
  status: string;
  message: {
    id: string;
    content: string;
    citations: MessageCitation[];
    status: "complete" | "partial" | "failed";
  } | null;
  usage: TurnUsage | null;
  error: { code: string; message: string } | null;
  /** Why the answer ended (stop | length | tool-calls | error | abort); null when the AI was silent. */
  finishReason: string | null;
  visitorMessageId: string;
  /** What retrieval found for the visitor's message (shown in the test chat). */
  retrieved: Array<{ sourceId: string; passageId: string; title: string; text: string; score: number }>;
};

export type EngineDeps = ToolDeps & {
  /** The hot statements of a turn run as named raw SQL (see turn.repo.ts). */
  database: Database;
  config: Config;
  clock: Clock;
  prices: PriceBook;
  retriever: Retriever;
  caller: ModelCaller;
  logger: Logger;
  /** Counts AI replies against the workspace's plan (see billing/meter.ts). */
  meter: Meter;
};

/** A turn whose visitor message is stored (see startTurn). */
export type StartedTurn = {
  workspaceId: string;
  conversation: ConversationRow;
  agent: AgentRow;
  content: string;
  visitorId: string;
  /** Messages up to and including the visitor's, oldest first. */
  history: HistoryMessage[];
  /** The agent's enabled actions and the workspace's keys for its providers, loaded with it. */
  actions: ActionRow[];
  credentials: CredentialRow[];
  /** The agent has indexed knowledge to search. */
  hasKnowledge: boolean;
};

export type TurnInput = StartedTurn & {
  signal: AbortSignal;
  onEvent?: ((e: TurnEvent) => void) | undefined;
  /** A system message an OpenAI-compatible client sent along (lower priority than the agent's). */
  callerInstructions?: string | undefined;
};

const HISTORY_MESSAGES = 40;
const PASSAGES = 5;
const CONTEXT_BUDGET_TOKENS = 6_000;

const FAILURE_TEXT: Record<Lang, string> = {
  en: "Sorry, I can't answer right now. Please try again in a moment.",
  th: "ขออภัย ขณะนี้ไม่สามารถตอบได้ กรุณาลองใหม่อีกครั้งในอีกสักครู่",
  ru: "Извините, сейчас я не могу ответить. Пожалуйста, попробуйте ещё раз через минуту.",
};

/** Said instead of calling the model once the plan's AI replies for the period are used up. */
const QUOTA_TEXT: Record<Lang, string> = {
  en: "Sorry, I can't answer automatically right now. A member of our team will get back to you as soon as possible.",
  th: "ขออภัย ขณะนี้ไม่สามารถตอบกลับอัตโนมัติได้ ทีมงานของเราจะติดต่อกลับโดยเร็วที่สุด",
  ru: "Извините, сейчас я не могу ответить автоматически. Сотрудник нашей команды ответит вам как можно скорее.",
};

/** The agent's fixed language, or the visitor's when the agent follows them ("auto"). */
function replyLanguage(agent: AgentRow, content: string): Lang {
  return agent.language === "th" || agent.language === "ru" || agent.language === "en"
    ? agent.language
    : detectLanguage(content);
}

/** Trims and checks a visitor message; the same rule for every channel. */
export function validateMessage(content: string, maxChars: number): string {
  const text = content.trim();
  if (!text) throw new AppError("VALIDATION_FAILED", "The message is empty", { field: "content" });
  if (text.includes("\u0000")) {
    throw new AppError("VALIDATION_FAILED", "The message contains a NUL character", { field: "content" });
  }
  if (text.length > maxChars) {
    throw new AppError("MESSAGE_TOO_LONG", `The message is longer than ${maxChars} characters`, {
      field: "content",
      max: maxChars,
      length: text.length,
    });
  }
  return text;
}

/**
 * One turn of a conversation, for every channel: store the visitor's message, build the
 * context, let the model (or the built-in responder) answer with tools, stream it through
 * `onEvent`, and store the answer with its usage in one transaction. The turn always ends
 * with a stored answer — complete, partial (stream cut short) or failed (polite message).
 */
export async function startTurn(
  deps: EngineDeps,
  input: {
    workspaceId: string;
    conversationId: string;
    content: string;
    /** Only a conversation of this agent / channel counts (404 otherwise). */
    agentId?: string | undefined;
    channel?: string | undefined;
  },
): Promise<StartedTurn> {
  const content = validateMessage(input.content, deps.config.maxMessageChars);
  const visitorId = newId("msg");
  const begun = await beginTurn(deps.database, { ...input, content, visitorId }, HISTORY_MESSAGES);
  if (!begun) throw notFound("Conversation");
  return { workspaceId: input.workspaceId, content, visitorId, ...begun };
}

export async function runTurn(deps: EngineDeps, input: TurnInput): Promise<TurnResult> {
  const { workspaceId, conversation, agent, content, visitorId, history } = input;
  const started = performance.now();
  const stream = streamToWatchers(deps, workspaceId, conversation.id);
  const emit = (e: TurnEvent) => {
    input.onEvent?.(e);
    if (e.type === "token" && !e.notice) stream.push(e.text);
  };

  deps.events.emit({
    type: "message.created",
    workspaceId,
    conversationId: conversation.id,
    messageId: visitorId,
    role: "visitor",
  });

  // A person is handling (or about to handle) this conversation: the AI stays quiet.
  if (conversation.status === "waiting_human" || conversation.status === "human") {
    await touchConversation(deps.db, workspaceId, conversation.id, deps.clock.now());
    return {
      conversationId: conversation.id,
      status: conversation.status,
      message: null,
      usage: null,
      error: null,
      finishReason: null,
      visitorMessageId: visitorId,
      retrieved: [],
    };
  }

  const passages = await deps.retriever.retrieve({
    workspaceId,
    agent,
    query: content,
    limit: PASSAGES,
    hasKnowledge: input.hasKnowledge,
  });
  const gap = isKnowledgeGap(content, passages[0]?.score ?? 0)
    ? { id: newId("gap"), question: content.slice(0, 1000), normalized: normalizeQuestion(content) }
    : null;
  const toolCalls: MessageToolCall[] = [];
  let status = conversation.status === "resolved" ? "ai" : conversation.status;

  let answer: Omit<AnswerDraft, "latencyMs">;
  // Model turns take one AI reply from the plan before the call (exact under concurrency) and
  // give it back when no model reply came of it; the built-in responder costs nothing and is
  // not metered. Operators' own replies never pass here, so the quota never blocks them.
  let reservation: Reservation | null = null;
  try {
    if (agent.provider === "builtin") {
      answer = await answerBuiltin(deps, input, content, passages, history, toolCalls, emit);
    } else {
      reservation = await deps.meter.reserve(workspaceId);
      answer = reservation.ok
        ? await answerWithModel(deps, input, content, passages, history, toolCalls, emit)
        : quotaStop(agent, content, reservation, emit);
    }
  } catch (err) {
    // A bug or a failing tool side effect must not leave the visitor's message unanswered.
    deps.logger.error({ err, agentId: agent.id, workspaceId }, "turn failed unexpectedly");
    const text = FAILURE_TEXT[replyLanguage(agent, content)];
    for (const piece of chunkForStreaming(text)) emit({ type: "token", text: piece, notice: true });
    answer = {
      content: text,
      citations: [],
      provider: agent.provider,
      model: agent.model,
      inputTokens: 0,
      outputTokens: 0,
      status: "failed",
      error: { code: "INTERNAL", message: "The answer could not be produced" },
      finishReason: "error",
    };
  }
  if (reservation?.ok && !answeredByModel(answer)) {
    await deps.meter.release(workspaceId, reservation.periodKey);
  }
  if (toolCalls.some((t) => t.name === "handoff_to_human")) status = "waiting_human";

  const latencyMs = Math.round(performance.now() - started);
  const costUsd = await deps.prices.costOf(
    answer.provider,
    answer.model,
    answer.inputTokens,
    answer.outputTokens,
  );
  const now = deps.clock.now();
  const answerId = newId("msg");
  await storeAnswer(deps.database, {
    id: answerId,
    workspaceId,
    conversationId: conversation.id,
    agentId: agent.id,
    content: answer.content,
    status: answer.status,
    citations: answer.citations,
    toolCalls,
    provider: answer.provider,
    model: answer.model,
    inputTokens: answer.inputTokens,
    outputTokens: answer.outputTokens,
    costUsd,
    latencyMs,
    errorCode: answer.error?.code ?? null,
    errorMessage: answer.error?.message ?? null,
    day: now.toISOString().slice(0, 10),
    at: now,
    newStatus: status !== conversation.status ? status : null,
    gap,
  });
  stream.flush();
  deps.events.emit({
    type: "message.created",
    workspaceId,
    conversationId: conversation.id,
    messageId: answerId,
    role: "assistant",
  });
  return {
    conversationId: conversation.id,
    status,
    message: { id: answerId, content: answer.content, citations: answer.citations, status: answer.status },
    usage: {
      provider: answer.provider,
      model: answer.model,
      modelLabel: modelLabel(answer.provider, answer.model),
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
      costUsd,
      latencyMs,
    },
    error: answer.error,
    finishReason: answer.finishReason,
    visitorMessageId: visitorId,
    retrieved: passages.map((p) => ({
      sourceId: p.passage.sourceId,
      passageId: p.passage.id,
      title: p.passage.title,
      text: p.passage.text,
      score: Math.round(p.score * 1000) / 1000,
    })),
  };
}

type AnswerDraft = {
  content: string;
  citations: MessageCitation[];
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  status: "complete" | "partial" | "failed";
  error: { code: string; message: string } | null;
  /** Why the model stopped: stop | length | tool-calls | error | abort … (OpenAI clients see it). */
  finishReason: string;
  latencyMs: number;
};

/** A model's words reached the visitor (a fallback to the built-in responder is not one). */
function answeredByModel(a: Omit<AnswerDraft, "latencyMs">): boolean {
  return (
    a.provider !== "builtin" && (a.status === "complete" || (a.status === "partial" && a.content !== ""))
  );
}

/** The plan's AI replies are used up: a polite notice, no model call, stored as a quota stop. */
function quotaStop(
  agent: AgentRow,
  content: string,
  r: Extract<Reservation, { ok: false }>,
  emit: (e: TurnEvent) => void,
): Omit<AnswerDraft, "latencyMs"> {
  const text = QUOTA_TEXT[replyLanguage(agent, content)];
  for (const piece of chunkForStreaming(text)) emit({ type: "token", text: piece, notice: true });
  return {
    content: text,
    citations: [],
    provider: "builtin",
    model: "builtin",
    inputTokens: 0,
    outputTokens: 0,
    status: "failed",
    error: {
      code: "QUOTA_EXCEEDED",
      message: `The ${r.planName} plan's ${r.max} AI replies for this period are used up`,
    },
    finishReason: "error",
  };
}

/** The offline path: deterministic, no network; tool effects happen directly. */
async function answerBuiltin(
  deps: EngineDeps,
  input: TurnInput,
  content: string,
  passages: Awaited<ReturnType<Retriever["retrieve"]>>,
  history: HistoryMessage[],
  toolCalls: MessageToolCall[],
  emit: (e: TurnEvent) => void,
): Promise<Omit<AnswerDraft, "latencyMs">> {
  const { agent, workspaceId } = input;
  const scope = { workspaceId, conversationId: input.conversation.id, agent };
  const reply = respondBuiltin({
    message: content,
    passages,
    agent: {
      name: agent.name,
      welcomeMessage: agent.welcomeMessage,
      unknownAnswerBehaviour: agent.unknownAnswerBehaviour as "say-so",
      language: agent.language as "auto",
    },
    firstTurn: history.filter((m) => m.role === "visitor").length <= 1,
  });
  if (reply.intent === "lead" && reply.contact) {
    const lead = ZLeadInput.safeParse(reply.contact);
    if (lead.success) {
      emit({ type: "tool", name: "capture_lead", status: "called" });
      const output = await captureLead(deps, scope, lead.data);
      toolCalls.push({ name: "capture_lead", input: lead.data, output });
      emit({ type: "tool", name: "capture_lead", status: "done" });
    }
  }
  if (reply.intent === "handoff") {
    emit({ type: "tool", name: "handoff_to_human", status: "called" });
    const output = await requestHandoff(deps, scope, "The visitor asked for a person");
    toolCalls.push({ name: "handoff_to_human", input: { reason: "visitor asked for a person" }, output });
    emit({ type: "tool", name: "handoff_to_human", status: "done" });
  }
  for (const piece of chunkForStreaming(reply.text)) emit({ type: "token", text: piece });
  const citations = reply.citations.map((c, i) => ({
    index: i + 1,
    sourceId: c.sourceId,
    passageId: c.passageId,
    title: c.title,
    url: c.url,
    quote: c.quote,
  }));
  for (const c of citations) emit({ type: "citation", citation: c });
  return {
    content: reply.text,
    citations,
    provider: "builtin",
    model: "builtin",
    inputTokens: 0,
    outputTokens: 0,
    status: "complete",
    error: null,
    finishReason: "stop",
  };
}

async function answerWithModel(
  deps: EngineDeps,
  input: TurnInput,
  content: string,
  passages: Awaited<ReturnType<Retriever["retrieve"]>>,
  history: HistoryMessage[],
  toolCalls: MessageToolCall[],
  emit: (e: TurnEvent) => void,
): Promise<Omit<AnswerDraft, "latencyMs">> {
  const { agent, workspaceId } = input;
  const actions = input.actions.filter((a) => a.enabled);
  const scope = { workspaceId, conversationId: input.conversation.id, agent };
  const tools = buildTools(deps, scope, actions, toolCalls);
  const relevant = passages.filter((p) => p.score >= 0.2);
  const system = buildSystemPrompt(agent, relevant, {
    callerInstructions: input.callerInstructions,
    actionNames: actions.map((a) => a.name),
  });
  const budget = Math.max(500, CONTEXT_BUDGET_TOKENS - estimateTokens(system));
  const messages = buildHistory(history, budget);
  const candidates = [{ provider: agent.provider, model: agent.model }];
  if (agent.fallbackProvider && agent.fallbackModel && agent.fallbackProvider !== "builtin") {
    candidates.push({ provider: agent.fallbackProvider, model: agent.fallbackModel });
  }
  const lang = replyLanguage(agent, content);
  const estimateInput = () =>
    estimateTokens(system) + messages.reduce((n, m) => n + estimateTokens(String(m.content)), 0);

  let opened: Awaited<ReturnType<ModelCaller["open"]>>["opened"];
  try {
    const result = await deps.caller.open(
      workspaceId,
      candidates,
      {
        system,
        messages,
        tools,
        temperature: agent.temperature,
        maxOutputTokens: agent.maxTokens,
        stream: input.onEvent !== undefined,
      },
      input.signal,
      input.credentials,
    );
    opened = result.opened;
    if (result.failures.length) {
      deps.logger.warn(
        { agentId: agent.id, failures: result.failures, used: opened.resolved.provider },
        "model fallback used",
      );
    }
  } catch (err) {
    if (input.signal.aborted) {
      return {
        content: "",
        citations: [],
        provider: agent.provider,
        model: agent.model,
        inputTokens: 0,
        outputTokens: 0,
        status: "partial",
        error: { code: "CLIENT_ABORTED", message: "The client left before the answer started" },
        finishReason: "abort",
      };
    }
    const failures = err instanceof AllModelsFailedError ? err.failures : [];
    if (agent.fallbackProvider === "builtin") {
      // The built-in responder cannot fail, so it is the fallback of last resort.
      deps.logger.warn(
        { agentId: agent.id, workspaceId, failures },
        "model failed; built-in responder answered",
      );
      return answerBuiltin(deps, input, content, passages, history, toolCalls, emit);
    }
    deps.logger.error(
      { agentId: agent.id, workspaceId, failures, err: failures.length ? undefined : err },
      "no model could answer",
    );
    const text = FAILURE_TEXT[lang];
    for (const piece of chunkForStreaming(text)) emit({ type: "token", text: piece, notice: true });
    const last = failures.at(-1);
    return {
      content: text,
      citations: [],
      provider: last?.provider ?? agent.provider,
      model: last?.model ?? agent.model,
      inputTokens: 0,
      outputTokens: 0,
      status: "failed",
      error: {
        code: "MODEL_UNAVAILABLE",
        message:
          failures.map((f) => `${f.provider}/${f.model}: ${f.message}`).join("; ") || "no model answered",
      },
      finishReason: "error",
    };
  }

  let text = "";
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let status: "complete" | "partial" = "complete";
  let finishReason: string | undefined;
  let error: { code: string; message: string } | null = null;
  const handle = (part: TextStreamPart<ToolSet>) => {
    switch (part.type) {
      case "text-delta":
        text += part.text;
        emit({ type: "token", text: part.text });
        break;
      case "tool-call":
        emit({ type: "tool", name: part.toolName, status: "called" });
        break;
      case "tool-result":
        emit({ type: "tool", name: part.toolName, status: "done" });
        break;
      case "tool-error":
        toolCalls.push({
          name: part.toolName,
          input: part.input,
          error: String((part.error as Error)?.message ?? part.error),
        });
        emit({ type: "tool", name: part.toolName, status: "failed" });
        break;
      case "finish":
        inputTokens = part.totalUsage.inputTokens;
        outputTokens = part.totalUsage.outputTokens;
        finishReason = part.finishReason;
        break;
      case "error":
        status = "partial";
        error = { code: "STREAM_FAILED", message: describeFailure(part.error).message };
        break;
      case "abort":
        status = "partial";
        error = input.signal.aborted
          ? { code: "CLIENT_ABORTED", message: "The client left before the answer was complete" }
          : { code: "TIMEOUT", message: "The model stopped sending before the answer was complete" };
        break;
    }
  };
  try {
    for (const part of opened.head) handle(part);
    for (;;) {
      const next = await opened.rest.next();
      if (next.done) break;
      handle(next.value);
      if (error) break;
    }
  } catch (err) {
    status = "partial";
    error = {
      code: input.signal.aborted ? "CLIENT_ABORTED" : "STREAM_FAILED",
      message: describeFailure(err).message,
    };
  }
  if (error) {
    deps.logger.warn({ agentId: agent.id, workspaceId, error }, "answer ended early");
    await opened.rest.return?.();
  }
  // Failed after a tool call but before any words (the next step's call failed): the visitor
  // still gets the polite message rather than an empty answer.
  if (error && !text && !input.signal.aborted) {
    text = FAILURE_TEXT[lang];
    for (const piece of chunkForStreaming(text)) emit({ type: "token", text: piece, notice: true });
    return {
      content: text,
      citations: [],
      provider: opened.resolved.provider,
      model: opened.resolved.modelId,
      inputTokens: inputTokens ?? estimateInput(),
      outputTokens: 0,
      status: "failed",
      error: { code: "MODEL_UNAVAILABLE", message: (error as { message: string }).message },
      finishReason: "error",
    };
  }

  const citations: MessageCitation[] = [];
  for (const m of text.matchAll(/\[(\d{1,2})\]/g)) {
    const n = Number(m[1]);
    const p = relevant[n - 1];
    if (p && !citations.some((c) => c.index === n)) {
      const c = {
        index: n,
        sourceId: p.passage.sourceId,
        passageId: p.passage.id,
        title: p.passage.title,
        url: p.passage.url ?? null,
        quote: p.passage.text.slice(0, 300),
      };
      citations.push(c);
      emit({ type: "citation", citation: c });
    }
  }
  return {
    content: text,
    citations,
    provider: opened.resolved.provider,
    model: opened.resolved.modelId,
    // A cut-short stream reports no usage; the estimate keeps cost tracking honest-ish.
    inputTokens: inputTokens ?? estimateInput(),
    outputTokens: outputTokens ?? estimateTokens(text),
    status,
    error,
    finishReason: error
      ? (error as { code: string }).code === "CLIENT_ABORTED"
        ? "abort"
        : "error"
      : (finishReason ?? "stop"),
  };
}

/** Watchers of a conversation in the inbox see the answer as it is written, a few times a second. */
const STREAM_INTERVAL_MS = 150;

function streamToWatchers(deps: EngineDeps, workspaceId: string, conversationId: string) {
  let pending = "";
  let last = 0;
  const flush = () => {
    if (!pending) return;
    deps.events.emit({ type: "message.streaming", workspaceId, conversationId, text: pending });
    pending = "";
    last = performance.now();
  };
  return {
    push(text: string) {
      pending += text;
      if (performance.now() - last >= STREAM_INTERVAL_MS) flush();
    },
    flush,
  };
}
