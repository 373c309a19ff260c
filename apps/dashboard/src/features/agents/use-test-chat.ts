import type { TTurnResult, ZCitation } from "@minichat/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import type { z } from "zod";
import { apiFetch } from "../../lib/api.ts";
import { readSse } from "../../lib/sse.ts";
import { chatUrl } from "./agents-api.ts";

type Citation = z.infer<typeof ZCitation>;
export type ChatEntry = {
  id: string;
  role: "user" | "assistant";
  text: string;
  citations: Citation[];
  usage: TTurnResult["usage"];
  error: { code: string; message: string } | null;
  streaming: boolean;
};

/**
 * The test chat's conversation: each question is POSTed with Accept: text/event-stream and the
 * answer grows token by token; `done` brings the final text, citations and usage.
 */
export function useTestChat(workspaceId: string, agentId: string) {
  const [entries, setEntries] = useState<ChatEntry[]>([]);
  const conversationId = useRef<string | undefined>(undefined);
  const abort = useRef<AbortController | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => () => abort.current?.abort(), []);

  const send = useCallback(
    async (message: string) => {
      const patch = (id: string, f: (e: ChatEntry) => ChatEntry) =>
        setEntries((all) => all.map((e) => (e.id === id ? f(e) : e)));
      const ac = new AbortController();
      abort.current = ac;
      const answerId = crypto.randomUUID();
      setEntries((all) => [
        ...all,
        {
          id: crypto.randomUUID(),
          role: "user",
          text: message,
          citations: [],
          usage: null,
          error: null,
          streaming: false,
        },
        {
          id: answerId,
          role: "assistant",
          text: "",
          citations: [],
          usage: null,
          error: null,
          streaming: true,
        },
      ]);
      setBusy(true);
      try {
        const res = await apiFetch(chatUrl(workspaceId, agentId), {
          body: { message, ...(conversationId.current ? { conversationId: conversationId.current } : {}) },
          headers: { accept: "text/event-stream" },
          signal: ac.signal,
        });
        for await (const m of readSse(res.body!)) {
          const data = JSON.parse(m.data);
          if (m.event === "token") patch(answerId, (e) => ({ ...e, text: e.text + data.text }));
          else if (m.event === "citation")
            patch(answerId, (e) => ({ ...e, citations: [...e.citations, data] }));
          else if (m.event === "done") {
            const r = data as TTurnResult;
            conversationId.current = r.conversationId;
            patch(answerId, (e) => ({
              ...e,
              text: r.message?.content ?? e.text,
              citations: r.message?.citations ?? e.citations,
              usage: r.usage,
              error: r.error,
            }));
          } else if (m.event === "error") patch(answerId, (e) => ({ ...e, error: data }));
        }
      } catch (err) {
        if ((err as Error).name !== "AbortError") {
          const e = err as { code?: string; message?: string };
          patch(answerId, (x) => ({ ...x, error: { code: e.code ?? "ERROR", message: e.message ?? "" } }));
        }
      } finally {
        patch(answerId, (e) => ({ ...e, streaming: false }));
        setBusy(false);
      }
    },
    [workspaceId, agentId],
  );

  const reset = useCallback(() => {
    abort.current?.abort();
    conversationId.current = undefined;
    setEntries([]);
  }, []);

  const stop = useCallback(() => abort.current?.abort(), []);

  return { entries, busy, send, reset, stop };
}
