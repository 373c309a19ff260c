import { useEffect, useRef, useState } from "preact/hooks";
import { loadSession, type MountOptions, type Session, saveSession } from "../shared.ts";
import { ApiError, createApi, type Message } from "./api.ts";
import { ContactForm, type ContactInput, RatingForm } from "./forms.tsx";
import { STRINGS } from "./i18n.ts";
import { connectLive, type Live, type LiveMessage } from "./live.ts";
import { MessageView } from "./message-view.tsx";

type View = "chat" | "contact" | "prechat" | "rating" | "thanks";
type Notice = "slowDown" | "retrying" | "failed" | "humanAsked" | "humanHere" | "contactSaved" | null;

// Polling is the fallback for when the live socket is down (blocked by a proxy, server
// restarting); while the socket is connected nothing polls.
const POLL_OPEN_MS = 10_000;
const POLL_CLOSED_MS = 30_000;
const RETRIES = 20;
/** How often the visitor's "typing" is re-sent while they type, and when it counts as stopped. */
const TYPING_EVERY_MS = 2500;
const TYPING_IDLE_MS = 3000;
/** An operator typing indicator clears itself if the "stopped" event never arrives. */
const TYPING_SHOWN_MS = 8000;

/**
 * The chat panel. The conversation lives on the server; this keeps the visitor token in
 * localStorage (shared by tabs), streams answers, and hears operator replies, typing and status
 * over the live socket (polling slowly while the socket is down).
 */
export function App(props: MountOptions & { openRef: { set?: (open: boolean | undefined) => void } }) {
  const { config, locale, launcher, badge } = props;
  const s = STRINGS[locale];
  const api = useRef(createApi(props.base, props.publicKey)).current;
  const [open, setOpen] = useState(props.open);
  const [session, setSession] = useState<Session | null>(() => loadSession(props.publicKey));
  const [messages, setMessages] = useState<Message[]>([]);
  const [status, setStatus] = useState("ai");
  const [hasContact, setHasContact] = useState(false);
  const [view, setView] = useState<View>("chat");
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState("");
  const [unread, setUnread] = useState(0);
  const [live, setLive] = useState(false);
  const [typing, setTyping] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const seen = useRef(new Set<string>());
  /** Messages that arrived on the socket, kept if a transcript fetched just before lacks them. */
  const liveIds = useRef(new Set<string>());
  const liveRef = useRef<Live | null>(null);
  const operatorName = useRef<string | null>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const visitorTyping = useRef({ sentAt: 0, stop: undefined as ReturnType<typeof setTimeout> | undefined });
  const openNow = useRef(open);
  openNow.current = open;

  props.openRef.set = (next) => setOpen((o) => (next === undefined ? !o : next));

  // Launcher state, badge and focus follow the panel.
  useEffect(() => {
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-controls", "mc-panel");
    if (open) {
      setUnread(0);
      setTimeout(() => input.current?.focus(), 0);
    }
  }, [open]);
  useEffect(() => {
    badge.textContent = String(unread);
    badge.hidden = unread === 0;
    badge.setAttribute("aria-label", s.newMessages.replace("{n}", String(unread)));
  }, [unread]);
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages, view, notice]);

  const needsPreChat = config.requireContactForm && !hasContact;
  useEffect(() => {
    if (needsPreChat && view === "chat") setView("prechat");
  }, [needsPreChat]);

  async function refresh(current = session) {
    if (!current) return;
    try {
      const t = await api.transcript(current);
      const fresh = t.messages.filter((m) => m.role !== "visitor" && !seen.current.has(m.id));
      for (const m of t.messages) seen.current.add(m.id);
      if (!openNow.current && fresh.length && seen.current.size > t.messages.length - fresh.length) {
        setUnread((n) => n + fresh.length);
      }
      setMessages((prev) => {
        if (prev.some((m) => m.id.startsWith("tmp"))) return prev;
        const ids = new Set(t.messages.map((m) => m.id));
        return [...t.messages, ...prev.filter((m) => liveIds.current.has(m.id) && !ids.has(m.id))];
      });
      setStatus(t.status);
      setHasContact(t.hasContact);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 404)) forget();
    }
  }
  function forget() {
    saveSession(props.publicKey, null);
    setSession(null);
    setMessages([]);
    setStatus("ai");
  }

  // First load, and polling while the live socket is not connected.
  useEffect(() => {
    void refresh();
    if (live) return;
    const id = setInterval(() => !busy && refresh(), open ? POLL_OPEN_MS : POLL_CLOSED_MS);
    return () => clearInterval(id);
  }, [session, open, busy, live]);

  // The live socket, only once someone may answer live: the panel is open on a conversation,
  // or a person was asked for / has joined (then also while the panel is closed, for the badge).
  const wantLive = !!session && (open || status === "waiting_human" || status === "human");
  useEffect(() => {
    if (!wantLive || !session) return;
    const showTyping = (on: boolean) => {
      clearTimeout(typingTimer.current);
      setTyping(on);
      if (on) typingTimer.current = setTimeout(() => setTyping(false), TYPING_SHOWN_MS);
    };
    const conn = connectLive(props.base, session, {
      message: (m) => {
        showTyping(false);
        receive(m);
      },
      typing: showTyping,
      status: setStatus,
      live: (connected) => {
        setLive(connected);
        // Catch up on whatever was said while the socket was away.
        if (connected) void refresh(session);
      },
    });
    liveRef.current = conn;
    return () => {
      conn.close();
      liveRef.current = null;
      setLive(false);
      showTyping(false);
    };
  }, [session, wantLive]);

  /** An operator message from the socket; the transcript may bring the same one: ids dedupe. */
  function receive(m: LiveMessage) {
    if (m.role !== "operator") return;
    if (m.authorName) operatorName.current = m.authorName;
    if (seen.current.has(m.id)) return;
    seen.current.add(m.id);
    liveIds.current.add(m.id);
    const msg: Message = {
      id: m.id,
      role: m.role,
      content: m.content,
      citations: m.citations ?? [],
      feedback: null,
      createdAt: m.createdAt,
    };
    setMessages((prev) => (prev.some((x) => x.id === m.id) ? prev : [...prev, msg]));
    if (!openNow.current) setUnread((n) => n + 1);
  }

  /** Tells the operator the visitor is typing: at most every few seconds, and when they stop. */
  function visitorTyped(value: string) {
    const t = visitorTyping.current;
    clearTimeout(t.stop);
    if (!value.trim()) return stopTyping();
    if (Date.now() - t.sentAt > TYPING_EVERY_MS) {
      t.sentAt = Date.now();
      liveRef.current?.typing(true);
    }
    t.stop = setTimeout(stopTyping, TYPING_IDLE_MS);
  }
  function stopTyping() {
    const t = visitorTyping.current;
    clearTimeout(t.stop);
    if (t.sentAt) liveRef.current?.typing(false);
    t.sentAt = 0;
  }
  useEffect(() => {
    const onStorage = () => {
      const next = loadSession(props.publicKey);
      if (next?.conversationId !== session?.conversationId) setSession(next);
    };
    addEventListener("storage", onStorage);
    return () => removeEventListener("storage", onStorage);
  }, [session]);

  async function ensureSession(): Promise<Session> {
    if (session) return session;
    const next = await api.start({
      pageUrl: location.href.slice(0, 2000),
      referrer: document.referrer.slice(0, 2000) || undefined,
      locale: navigator.language,
      userId: props.user?.id,
      userHash: props.user?.hash,
    });
    saveSession(props.publicKey, next);
    for (const m of messages) seen.current.add(m.id);
    setSession(next);
    return next;
  }

  async function send(content: string, attempt = 0): Promise<void> {
    const body = content.trim();
    if (!body) return;
    setBusy(true);
    const tmpVisitor = `tmp-v-${Date.now()}`;
    const tmpAnswer = `tmp-a-${Date.now()}`;
    const now = new Date().toISOString();
    if (attempt === 0) {
      setMessages((prev) => [
        ...prev,
        { id: tmpVisitor, role: "visitor", content: body, citations: [], feedback: null, createdAt: now },
      ]);
    }
    let answer: Message = {
      id: tmpAnswer,
      role: "assistant",
      content: "",
      citations: [],
      feedback: null,
      createdAt: now,
    };
    const put = (m: Message | null) =>
      setMessages((prev) => {
        const rest = prev.filter((x) => x.id !== tmpAnswer && !x.id.startsWith("tmp-a-"));
        return m ? [...rest, m] : rest;
      });
    try {
      const current = await ensureSession();
      let started = false;
      await api.send(current, body, (event, data) => {
        if (!started && status === "ai") started = true;
        if (event === "token")
          answer = { ...answer, content: answer.content + (data as { text: string }).text };
        else if (event === "citation")
          answer = { ...answer, citations: [...answer.citations, data as Message["citations"][number]] };
        else if (event === "done") {
          const d = data as { status: string; visitorMessageId: string; message: { id: string } | null };
          setStatus(d.status);
          seen.current.add(d.visitorMessageId);
          setMessages((prev) =>
            prev.map((m) => (m.id.startsWith("tmp-v-") ? { ...m, id: d.visitorMessageId } : m)),
          );
          if (!d.message) return put(null);
          seen.current.add(d.message.id);
          answer = { ...answer, id: d.message.id };
        } else if (event === "error") setNotice("failed");
        if (event !== "tool") put(answer.content || answer.id !== tmpAnswer ? answer : { ...answer });
      });
      setNotice((n) => (n === "slowDown" || n === "retrying" || n === "failed" ? null : n));
    } catch (err) {
      put(null);
      const e = err instanceof ApiError ? err : new ApiError("NETWORK", "", 0);
      if (e.code === "RATE_LIMITED" && attempt < RETRIES) {
        setNotice("slowDown");
        await new Promise((r) => setTimeout(r, Math.max(1, e.retryAfter) * 1000));
        return send(body, attempt + 1);
      }
      if ((e.code === "NETWORK" || e.status >= 500) && attempt < RETRIES) {
        // The server may be restarting: keep the message and try again shortly.
        setNotice("retrying");
        await new Promise((r) => setTimeout(r, 2000 + attempt * 500));
        return send(body, attempt + 1);
      }
      if (e.status === 401 && attempt === 0) {
        forget();
        return send(body, 1);
      }
      setNotice("failed");
      setMessages((prev) => prev.filter((m) => m.id !== tmpVisitor));
    } finally {
      setBusy(false);
    }
  }

  async function submitContact(c: ContactInput) {
    const current = await ensureSession();
    await api.contact(current, c);
    setHasContact(true);
    setView("chat");
    setNotice("contactSaved");
  }

  async function askHuman() {
    try {
      const r = await api.handoff(await ensureSession());
      setStatus(r.status);
    } catch {
      setNotice("failed");
    }
  }

  async function feedback(m: Message, value: 1 | -1) {
    if (!session) return;
    setMessages((prev) => prev.map((x) => (x.id === m.id ? { ...x, feedback: value } : x)));
    await api.feedback(session, m.id, value).catch(() => setNotice("failed"));
  }

  const statusNote = status === "waiting_human" ? s.humanAsked : status === "human" ? s.humanHere : null;
  const noticeText = notice && notice !== "humanAsked" && notice !== "humanHere" ? s[notice] : null;
  const theme = config.theme;
  const welcome = props.greeting ?? config.welcomeMessage;

  return (
    <div
      id="mc-panel"
      class={`p ${theme}`}
      role="dialog"
      aria-label={config.agentName}
      hidden={!open}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          setOpen(false);
          launcher.focus();
        }
      }}
    >
      <div class="h">
        {config.avatarUrl && /^https?:\/\//i.test(config.avatarUrl) && <img src={config.avatarUrl} alt="" />}
        <h2>{config.agentName}</h2>
        {status === "ai" && session && (
          <button type="button" onClick={askHuman}>
            {s.human}
          </button>
        )}
        {session && messages.length > 0 && view === "chat" && (
          <button type="button" onClick={() => setView("rating")}>
            {s.end}
          </button>
        )}
        <button
          type="button"
          aria-label={s.close}
          onClick={() => {
            setOpen(false);
            launcher.focus();
          }}
        >
          ✕
        </button>
      </div>
      <div class="log" ref={log} role="log" aria-live="polite" aria-relevant="additions text">
        {welcome && (
          <MessageView
            m={{
              id: "welcome",
              role: "assistant",
              content: welcome,
              citations: [],
              feedback: null,
              createdAt: "",
            }}
            s={s}
            agentName={config.agentName}
          />
        )}
        {view === "prechat" ? (
          <ContactForm s={s} title={s.preChat} action={s.start} onSubmit={submitContact} />
        ) : (
          <>
            {messages.map((m) => (
              <MessageView
                key={m.id}
                m={m}
                s={s}
                agentName={config.agentName}
                onFeedback={
                  m.role === "assistant" && !m.id.startsWith("tmp") ? (v) => feedback(m, v) : undefined
                }
              />
            ))}
            {messages.length === 0 && config.suggestedQuestions.length > 0 && (
              <div class="sq">
                {config.suggestedQuestions.map((q) => (
                  <button key={q} type="button" onClick={() => send(q)}>
                    {q}
                  </button>
                ))}
              </div>
            )}
            {view === "contact" && (
              <ContactForm s={s} title={s.contact} action={s.save} onSubmit={submitContact} />
            )}
            {view === "rating" && (
              <RatingForm
                s={s}
                onSubmit={async (rating, comment) => {
                  if (session) await api.rating(session, rating, comment).catch(() => {});
                  setView("thanks");
                }}
              />
            )}
            {view === "thanks" && <p class="note">{s.thanks}</p>}
            {statusNote && <p class="note">{statusNote}</p>}
            {noticeText && <p class="note">{noticeText}</p>}
            {!hasContact && view === "chat" && session && (
              <div class="sq">
                <button type="button" onClick={() => setView("contact")}>
                  {s.contact}
                </button>
              </div>
            )}
          </>
        )}
      </div>
      <p class="ty" role="status">
        {typing ? s.typing.replace("{name}", operatorName.current ?? s.operator) : ""}
      </p>
      {view !== "prechat" && (
        <form
          class="f"
          onSubmit={(e) => {
            e.preventDefault();
            const body = text;
            setText("");
            stopTyping();
            void send(body);
          }}
        >
          <textarea
            ref={input}
            rows={1}
            aria-label={s.placeholder}
            placeholder={s.placeholder}
            value={text}
            maxLength={4000}
            onInput={(e) => {
              setText(e.currentTarget.value);
              visitorTyped(e.currentTarget.value);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <button type="submit" disabled={busy || !text.trim()}>
            {s.send}
          </button>
        </form>
      )}
    </div>
  );
}
