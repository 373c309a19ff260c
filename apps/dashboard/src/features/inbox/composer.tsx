import { NotebookPen, Send } from "lucide-react";
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Textarea } from "../../components/ui/input.tsx";
import { cn } from "../../lib/cn.ts";
import { NS } from "./i18n.ts";
import type { TCannedResponse } from "./inbox-api.ts";
import { insertCanned, matchCanned, slashQuery } from "./inbox-logic.ts";

// The reply box. Enter sends, Shift+Enter breaks the line (and Enter while an input method is
// composing, as Thai keyboards do, is left alone). Typing `/` offers the saved replies: a listbox
// tied to the textarea with aria-activedescendant, ↑/↓ to move, Enter or Tab to insert, Escape to
// close. A textarea may not take the combobox role, so it stays a textbox with those attributes.

const TYPING_IDLE_MS = 3000;
const TYPING_REPEAT_MS = 2500;

export function Composer(props: {
  canned: TCannedResponse[];
  disabled?: boolean;
  /** Resolves false when the server refused it: the text comes back into the box. */
  onSend: (kind: "reply" | "note", content: string) => Promise<boolean>;
  onTyping: (typing: boolean) => void;
}) {
  const { t } = useTranslation(NS);
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [note, setNote] = useState(false);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);

  const slash = slashQuery(text, caret);
  const matches = slash && slash.start !== dismissedAt ? matchCanned(props.canned, slash.query) : [];
  const open = matches.length > 0;
  const activeIndex = Math.min(active, matches.length - 1);

  // Typing reaches the visitor (and teammates): on while keys come, off after a pause or a send.
  // Notes are private: writing one never shows the visitor "typing".
  const typing = useRef({ on: false, last: 0, idle: undefined as ReturnType<typeof setTimeout> | undefined });
  const { onTyping } = props;
  const stopTyping = () => {
    clearTimeout(typing.current.idle);
    if (typing.current.on) onTyping(false);
    typing.current.on = false;
  };
  const stopRef = useRef(stopTyping);
  stopRef.current = stopTyping;
  useEffect(() => () => stopRef.current(), []);
  function keyTyped() {
    if (note) return;
    const now = Date.now();
    if (!typing.current.on || now - typing.current.last > TYPING_REPEAT_MS) {
      onTyping(true);
      typing.current.on = true;
      typing.current.last = now;
    }
    clearTimeout(typing.current.idle);
    typing.current.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function choose(c: TCannedResponse) {
    if (!slash) return;
    const next = insertCanned(text, caret, slash.start, c.body);
    setText(next.text);
    setCaret(next.caret);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(next.caret, next.caret);
    });
  }

  function submit(e?: FormEvent) {
    e?.preventDefault();
    const content = text.trim();
    if (!content || props.disabled) return;
    stopTyping();
    void props.onSend(note ? "note" : "reply", content).then((ok) => {
      if (!ok) setText((current) => current || content);
    });
    setText("");
    setCaret(0);
    setDismissedAt(null);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.nativeEvent.isComposing) return;
    if (open) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        setActive((activeIndex + step + matches.length) % matches.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        const hit = matches[activeIndex];
        if (hit) choose(hit);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setDismissedAt(slash?.start ?? null);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey) submit(e);
  }

  const listId = `${id}-canned`;
  const optionId = (i: number) => `${id}-opt-${i}`;
  return (
    <form
      onSubmit={submit}
      className={cn("relative border-t p-3", note && "bg-amber-50 dark:bg-amber-950/40")}
      aria-label={t("composer.label")}
    >
      {open && (
        <div className="absolute right-3 bottom-full left-3 mb-1 rounded-md border bg-background shadow-lg">
          <p className="border-b px-3 py-1.5 text-xs text-muted-foreground" id={`${listId}-label`}>
            {t("composer.cannedTitle")}
          </p>
          <div
            id={listId}
            role="listbox"
            aria-labelledby={`${listId}-label`}
            className="max-h-56 overflow-y-auto py-1"
          >
            {matches.map((c, i) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard path is the textarea's ↑/↓/Enter
              <div
                key={c.id}
                id={optionId(i)}
                role="option"
                tabIndex={-1}
                aria-selected={i === activeIndex}
                className={cn(
                  "cursor-pointer px-3 py-2 text-sm",
                  i === activeIndex && "bg-accent text-accent-foreground",
                )}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(c)}
              >
                <span className="font-mono font-medium">/{c.shortcut}</span>{" "}
                <span className="text-muted-foreground">{c.title}</span>
                <span className="line-clamp-1 text-xs text-muted-foreground">{c.body}</span>
              </div>
            ))}
          </div>
        </div>
      )}
      <span className="sr-only" aria-live="polite">
        {open ? t("composer.cannedCount", { n: matches.length }) : ""}
      </span>
      <div className="mb-2 flex items-center gap-2">
        <Button
          type="button"
          variant="outline"
          size="sm"
          aria-pressed={note}
          className="aria-pressed:border-amber-500 aria-pressed:bg-amber-100 aria-pressed:text-amber-950 dark:aria-pressed:bg-amber-900 dark:aria-pressed:text-amber-50"
          onClick={() => {
            if (!note) stopTyping();
            setNote(!note);
            area.current?.focus();
          }}
        >
          <NotebookPen aria-hidden />
          {t("composer.noteToggle")}
        </Button>
        <span className="text-xs text-muted-foreground">{note ? t("composer.noteHint") : ""}</span>
      </div>
      <div className="flex items-end gap-2">
        <label htmlFor={`${id}-text`} className="sr-only">
          {note ? t("composer.notePlaceholder") : t("composer.placeholder")}
        </label>
        <Textarea
          ref={area}
          id={`${id}-text`}
          rows={2}
          className="min-h-12 flex-1 resize-y"
          placeholder={note ? t("composer.notePlaceholder") : t("composer.placeholder")}
          value={text}
          disabled={props.disabled}
          aria-describedby={`${id}-hint`}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? optionId(activeIndex) : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setActive(0);
            if (dismissedAt !== null && !slashQuery(e.target.value, e.target.selectionStart))
              setDismissedAt(null);
            keyTyped();
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onBlur={stopTyping}
        />
        <Button type="submit" disabled={props.disabled || !text.trim()}>
          <Send aria-hidden />
          <span className="max-sm:sr-only">{note ? t("composer.addNote") : t("composer.send")}</span>
        </Button>
      </div>
      <p id={`${id}-hint`} className="mt-1.5 text-xs text-muted-foreground max-sm:hidden">
        {t("composer.hint")}
      </p>
    </form>
  );
}
