import {
  APICallError,
  generateText,
  type ModelMessage,
  stepCountIs,
  // One consumer reads each stream: the single-consumer variant skips streamText's replay
  // buffers and tees, a good part of the per-turn cost.
  experimental_streamTextLowMemory as streamText,
  type TextStreamPart,
  type ToolSet,
} from "ai";
import {
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  isBrokenCircuitError,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
} from "cockatiel";
import type { Config } from "../../platform/config.ts";
import { AppError } from "../../platform/errors.ts";
import type { CredentialRow } from "../providers/credentials.repo.ts";
import type { ModelResolver, ResolvedModel } from "../providers/model-resolver.ts";

// Resilience around a streamed model call. Retries, the breaker and the timeout act on the
// *opening* of a stream — up to its first token or tool call. Once tokens have reached the
// visitor a retry would repeat them, so a failure after that ends the answer as partial.

export type ModelRequest = {
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  temperature: number;
  maxOutputTokens: number;
  /**
   * Whether anyone reads the answer as it is written. A JSON request does not: one plain
   * completion then costs the SDK (and the provider) far less than a stream — see
   * bench/model-call.bench.ts — and is replayed below as the same parts a stream would give.
   */
  stream: boolean;
};

export type OpenedStream = {
  resolved: ResolvedModel;
  /** Parts already read while waiting for the first output, to replay before the rest. */
  head: TextStreamPart<ToolSet>[];
  rest: AsyncIterator<TextStreamPart<ToolSet>>;
};

export type AttemptFailure = { provider: string; model: string; code: string; message: string };

export class AllModelsFailedError extends Error {
  readonly failures: AttemptFailure[];
  constructor(failures: AttemptFailure[]) {
    super(failures.map((f) => `${f.provider}/${f.model}: ${f.message}`).join("; "));
    this.failures = failures;
  }
}

function lacksToolSupport(err: unknown): boolean {
  return (
    APICallError.isInstance(err) &&
    err.statusCode === 400 &&
    /does not support tools/i.test(err.responseBody ?? err.message)
  );
}

/** The client went away: not the provider's fault, so neither retried nor held against it. */
export class ClientGoneError extends Error {}

/** Errors of the network's or the provider's moment: rate limits, 5xx, timeouts, resets. */
export function isTransient(err: unknown): boolean {
  if (err instanceof AppError || err instanceof ClientGoneError || isBrokenCircuitError(err)) return false;
  if (APICallError.isInstance(err)) return err.isRetryable;
  if (err instanceof TaskCancelledError) return true;
  const e = err as Error & { cause?: { code?: string } };
  // undici reports a refused/reset connection as TypeError("fetch failed") with a cause code;
  // other TypeErrors (an invalid header, say) are deterministic and fail again the same way.
  if (e?.name === "TypeError") return e.message === "fetch failed";
  return e?.name === "TimeoutError";
}

/**
 * What a failure is called in logs and on the stored message. Only our own codes and HTTP
 * statuses: raw error texts can quote request headers (keys) or prompts.
 */
export function describeFailure(err: unknown): { code: string; message: string } {
  if (isBrokenCircuitError(err)) {
    return { code: "CIRCUIT_OPEN", message: "provider paused after repeated failures" };
  }
  if (err instanceof TaskCancelledError) return { code: "TIMEOUT", message: "no answer in time" };
  if (err instanceof AppError) return { code: err.code, message: err.message };
  if (APICallError.isInstance(err)) {
    return { code: `HTTP_${err.statusCode ?? "ERROR"}`, message: `provider answered HTTP ${err.statusCode}` };
  }
  if (isTransient(err)) return { code: "NETWORK", message: "provider could not be reached" };
  return { code: "PROVIDER_ERROR", message: "the request to the provider failed" };
}

export function createModelCaller(deps: {
  models: ModelResolver;
  config: Config;
  retryInitialDelayMs?: number;
}) {
  const { llm } = deps.config;
  const breakers = new Map<string, IPolicy>();
  const retryPolicy = retry(handleWhen(isTransient), {
    maxAttempts: llm.maxRetries,
    backoff: new ExponentialBackoff({ initialDelay: deps.retryInitialDelayMs ?? 250, maxDelay: 5_000 }),
  });
  // Aggressive: the attempt fails at the deadline even if the provider never answers;
  // abortOnReturn false: the stream keeps flowing after the first token arrived.
  const timeoutPolicy = timeout(llm.timeoutMs, {
    strategy: TimeoutStrategy.Aggressive,
    abortOnReturn: false,
  });

  /** Only transient failures count: a wrong model name or a bad request is not an outage. */
  function breakerFor(key: string): IPolicy {
    let breaker = breakers.get(key);
    if (!breaker) {
      if (breakers.size > 10_000) breakers.clear(); // keys of replaced credentials pile up
      breaker = circuitBreaker(handleWhen(isTransient), {
        halfOpenAfter: llm.breakerCooldownMs,
        breaker: new ConsecutiveBreaker(llm.breakerThreshold),
      });
      breakers.set(key, breaker);
    }
    return breaker;
  }

  async function openOnce(
    resolved: ResolvedModel,
    req: ModelRequest,
    attemptSignal: AbortSignal,
    clientSignal: AbortSignal,
  ): Promise<OpenedStream> {
    if (!req.stream) return generateOnce(resolved, req, attemptSignal, clientSignal);
    const result = streamText({
      model: resolved.model,
      instructions: req.system,
      messages: req.messages,
      tools: req.tools,
      stopWhen: stepCountIs(4),
      temperature: req.temperature,
      maxOutputTokens: req.maxOutputTokens,
      maxRetries: 0, // cockatiel retries; two retry layers would multiply attempts
      abortSignal: AbortSignal.any([attemptSignal, clientSignal]),
      timeout: { chunkMs: llm.idleTimeoutMs },
      // Ollama reads sampling settings only from `options`, not the top-level fields the
      // provider package sends.
      ...(resolved.provider === "ollama"
        ? {
            providerOptions: {
              ollama: { options: { temperature: req.temperature, num_predict: req.maxOutputTokens } },
            },
          }
        : {}),
      // Errors arrive as stream parts and are handled there; the SDK's default handler would
      // print them (with the whole prompt) to stderr, past the app's logger.
      onError: () => {},
    });
    const it = result.fullStream[Symbol.asyncIterator]();
    const head: TextStreamPart<ToolSet>[] = [];
    for (;;) {
      const next = await it.next();
      if (next.done) return { resolved, head, rest: it };
      const part = next.value;
      if (part.type === "error") {
        // Some self-hosted models cannot call tools at all; such a model still answers, without them.
        if (lacksToolSupport(part.error) && Object.keys(req.tools).length > 0) {
          return openOnce(resolved, { ...req, tools: {} }, attemptSignal, clientSignal);
        }
        throw part.error;
      }
      if (part.type === "abort") {
        if (clientSignal.aborted) throw new ClientGoneError("the client left");
        throw new TaskCancelledError("Operation timed out");
      }
      head.push(part);
      if (part.type === "text-delta" || part.type === "tool-call" || part.type === "finish") {
        return { resolved, head, rest: it };
      }
    }
  }

  /** The whole answer in one request, handed on as the parts a stream would have produced. */
  async function generateOnce(
    resolved: ResolvedModel,
    req: ModelRequest,
    attemptSignal: AbortSignal,
    clientSignal: AbortSignal,
  ): Promise<OpenedStream> {
    let result: Awaited<ReturnType<typeof generateText>>;
    try {
      result = await generateText({
        model: resolved.model,
        instructions: req.system,
        messages: req.messages,
        tools: req.tools,
        stopWhen: stepCountIs(4),
        temperature: req.temperature,
        maxOutputTokens: req.maxOutputTokens,
        maxRetries: 0,
        abortSignal: AbortSignal.any([attemptSignal, clientSignal]),
        ...(resolved.provider === "ollama"
          ? {
              providerOptions: {
                ollama: { options: { temperature: req.temperature, num_predict: req.maxOutputTokens } },
              },
            }
          : {}),
      });
    } catch (err) {
      if (lacksToolSupport(err) && Object.keys(req.tools).length > 0) {
        return generateOnce(resolved, { ...req, tools: {} }, attemptSignal, clientSignal);
      }
      if (clientSignal.aborted) throw new ClientGoneError("the client left");
      if (attemptSignal.aborted) throw new TaskCancelledError("Operation timed out");
      throw err;
    }
    const head: TextStreamPart<ToolSet>[] = [];
    for (const step of result.steps) {
      for (const c of step.content) {
        if (c.type === "text") {
          if (c.text) head.push({ type: "text-delta", id: "0", text: c.text } as TextStreamPart<ToolSet>);
        } else if (c.type === "tool-call" || c.type === "tool-result" || c.type === "tool-error") {
          head.push(c as TextStreamPart<ToolSet>);
        }
      }
    }
    head.push({
      type: "finish",
      finishReason: result.finishReason,
      rawFinishReason: result.finishReason,
      totalUsage: result.totalUsage,
    } as TextStreamPart<ToolSet>);
    const done: AsyncIterator<TextStreamPart<ToolSet>> = {
      next: async () => ({ done: true, value: undefined }),
    };
    return { resolved, head, rest: done };
  }

  return {
    /**
     * Opens a stream on the first candidate that answers: each with its own retries and
     * breaker, then the next (the agent's fallback). Throws AllModelsFailedError when none does.
     */
    async open(
      workspaceId: string,
      candidates: Array<{ provider: string; model: string }>,
      req: ModelRequest,
      clientSignal: AbortSignal,
      credentials?: CredentialRow[],
    ): Promise<{ opened: OpenedStream; failures: AttemptFailure[] }> {
      const failures: AttemptFailure[] = [];
      for (const c of candidates) {
        try {
          const resolved = await deps.models.resolve(workspaceId, c.provider, c.model, credentials);
          const breaker = breakerFor(resolved.breakerKey);
          const opened = await retryPolicy.execute(
            () =>
              breaker.execute(async () => {
                try {
                  return await timeoutPolicy.execute(
                    ({ signal }) => openOnce(resolved, req, signal, clientSignal),
                    clientSignal,
                  );
                } catch (err) {
                  // A timeout caused by the client leaving is not the provider's failure.
                  if (clientSignal.aborted) throw new ClientGoneError("the client left");
                  throw err;
                }
              }),
            clientSignal,
          );
          return { opened, failures };
        } catch (err) {
          if (clientSignal.aborted) throw err;
          failures.push({ provider: c.provider, model: c.model, ...describeFailure(err) });
        }
      }
      throw new AllModelsFailedError(failures);
    },
  };
}

export type ModelCaller = ReturnType<typeof createModelCaller>;
