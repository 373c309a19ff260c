import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { findAgent, findAgents } from "../agents/agents.repo.ts";
import { insertMessages } from "./conversations.repo.ts";
import { requireApiKey } from "./conversations.route.ts";
import { openConversation } from "./open-conversation.ts";
import { runTurn, startTurn, validateMessage } from "./run-turn.ts";
import { openSse } from "./sse.ts";

// OpenAI's Chat Completions wire format, so any OpenAI SDK can talk to an agent: `model` is
// the agent id; the agent's instructions, knowledge and tools apply. Each call is a
// conversation (channel "api"); send back the `x-minichat-conversation-id` response header
// to continue one, and then only the new user message counts.

const ZContent = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  z.null(),
]);
const ZChatMessage = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: ZContent.optional(),
});
const ZChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ZChatMessage).min(1, "messages must not be empty").max(500),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  user: z.string().max(200).optional(),
});

const CONVERSATION_HEADER = "x-minichat-conversation-id";

/** Tool calls ran inside the turn, so for the client the answer simply stopped. */
const openAiFinishReason = (reason: string | null) => (reason === "length" ? "length" : "stop");

function textOf(content: z.infer<typeof ZContent> | undefined): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content
    .filter((p) => p.type === "text" && typeof p.text === "string")
    .map((p) => p.text)
    .join("\n");
}

export function registerOpenAiRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["OpenAI-compatible"];

  r.get(
    "/v1/models",
    { schema: { tags, summary: "The workspace's agents as OpenAI models (API key with agents:read)" } },
    async (req) => {
      const workspaceId = await requireApiKey(ctx, req, "agents:read");
      const agents = await findAgents(ctx.db, workspaceId);
      return {
        object: "list",
        data: agents.map((a) => ({
          id: a.id,
          object: "model",
          created: Math.floor(a.createdAt.getTime() / 1000),
          owned_by: "minichat",
          name: a.name,
        })),
      };
    },
  );

  r.post(
    "/v1/chat/completions",
    {
      schema: {
        tags,
        summary:
          "OpenAI Chat Completions with an agent as the model (API key with conversations:write). Streaming and non-streaming. Client-side tools are ignored: the agent's own tools apply.",
        body: ZChatCompletionRequest,
      },
    },
    async (req, reply) => {
      const workspaceId = await requireApiKey(ctx, req, "conversations:write");
      const body = req.body;
      const last = body.messages.at(-1)!;
      if (last.role !== "user") {
        throw new AppError("VALIDATION_FAILED", "The last message must be from the user", {
          field: "messages",
        });
      }
      const content = validateMessage(textOf(last.content), ctx.config.maxMessageChars);
      const callerInstructions =
        body.messages
          .filter((m) => m.role === "system" || m.role === "developer")
          .map((m) => textOf(m.content))
          .join("\n")
          .slice(0, 4000) || undefined;

      const given = req.headers[CONVERSATION_HEADER];
      let conversationId: string;
      if (typeof given === "string" && given) {
        conversationId = given;
      } else {
        const agent = await findAgent(ctx.db, workspaceId, body.model);
        if (!agent) {
          throw new AppError(
            "NOT_FOUND",
            `The model "${body.model}" does not exist: use an agent id (GET /v1/models)`,
          );
        }
        const conversation = await openConversation(ctx, {
          id: newId("cnv"),
          workspaceId,
          agentId: agent.id,
          channel: "api",
          metadata: { via: "openai-compatible", ...(body.user ? { user: body.user } : {}) },
        });
        conversationId = conversation.id;
        // The client keeps the history; store it so the agent (and the inbox) see the same.
        await insertMessages(
          ctx.db,
          body.messages.slice(0, -1).flatMap((m) => {
            const text = textOf(m.content).replaceAll("\u0000", "").slice(0, ctx.config.maxMessageChars);
            if (!text || (m.role !== "user" && m.role !== "assistant")) return [];
            const role = m.role === "user" ? "visitor" : "assistant";
            return [{ id: newId("msg"), workspaceId, conversationId, role, content: text }];
          }),
        );
      }
      const turn = await startTurn(ctx.engine, { workspaceId, conversationId, content, agentId: body.model });
      const { conversation, agent } = turn;
      reply.header(CONVERSATION_HEADER, conversation.id);
      const created = Math.floor(Date.now() / 1000);
      const model = agent.id;

      if (!body.stream) {
        const abort = new AbortController();
        reply.raw.on("close", () => {
          if (!reply.raw.writableFinished) abort.abort();
        });
        const result = await runTurn(ctx.engine, { ...turn, callerInstructions, signal: abort.signal });
        // The polite "try again" text is for people in a chat; a program gets an error it can
        // handle (the failed turn is still stored on the conversation).
        if (result.error?.code === "QUOTA_EXCEEDED") {
          throw new AppError("QUOTA_EXCEEDED", result.error.message, { conversationId: conversation.id });
        }
        if (result.message?.status === "failed") {
          throw new AppError("MODEL_UNAVAILABLE", "The agent's model could not answer; try again shortly", {
            conversationId: conversation.id,
          });
        }
        const usage = result.usage;
        return {
          id: `chatcmpl-${result.message?.id ?? result.visitorMessageId}`,
          object: "chat.completion",
          created,
          model,
          system_fingerprint: null,
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: result.message?.content ?? "", refusal: null },
              logprobs: null,
              finish_reason: openAiFinishReason(result.finishReason),
            },
          ],
          usage: {
            prompt_tokens: usage?.inputTokens ?? 0,
            completion_tokens: usage?.outputTokens ?? 0,
            total_tokens: (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0),
          },
        };
      }

      const sse = openSse(req, reply);
      const id = `chatcmpl-${newId("msg").slice(4)}`;
      const chunk = (delta: Record<string, unknown>, finish: string | null) =>
        sse.send(null, {
          id,
          object: "chat.completion.chunk",
          created,
          model,
          system_fingerprint: null,
          choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        });
      chunk({ role: "assistant", content: "" }, null);
      try {
        const result = await runTurn(ctx.engine, {
          ...turn,
          callerInstructions,
          signal: sse.signal,
          onEvent: (e) => {
            if (e.type === "token" && !e.notice) chunk({ content: e.text }, null);
          },
        });
        if (result.message?.status === "failed") {
          // As in the non-streamed answer: an error the program can handle, not a polite text.
          const quota = result.error?.code === "QUOTA_EXCEEDED";
          sse.send(null, {
            error: quota
              ? { message: result.error?.message, type: "insufficient_quota", code: "QUOTA_EXCEEDED" }
              : {
                  message: "The agent's model could not answer; try again shortly",
                  type: "server_error",
                  code: "MODEL_UNAVAILABLE",
                },
          });
          return reply;
        }
        chunk({}, openAiFinishReason(result.finishReason));
        if (body.stream_options?.include_usage) {
          const u = result.usage;
          sse.send(null, {
            id,
            object: "chat.completion.chunk",
            created,
            model,
            system_fingerprint: null,
            choices: [],
            usage: {
              prompt_tokens: u?.inputTokens ?? 0,
              completion_tokens: u?.outputTokens ?? 0,
              total_tokens: (u?.inputTokens ?? 0) + (u?.outputTokens ?? 0),
            },
          });
        }
      } catch (err) {
        const known = err instanceof AppError;
        if (!known) req.log.error({ err }, "chat completion failed");
        sse.send(null, {
          error: {
            message: known ? err.message : "The answer could not be completed",
            type: known ? "invalid_request_error" : "server_error",
            code: known ? err.code : "INTERNAL",
          },
        });
      } finally {
        sse.send(null, "[DONE]");
        sse.end();
      }
      return reply;
    },
  );
}
