import type { ComponentChildren } from "preact";
import type { Citation, Message } from "./api.ts";
import type { Strings } from "./i18n.ts";
import { type Block, type Inline, parseMarkdown } from "./markdown.ts";

// Answers are rendered from the markdown tree: text is always set as text (Preact escapes it),
// links carry only safe URLs and open in a new tab without access to the host page.

function inline(nodes: Inline[], cites: Citation[]): ComponentChildren {
  return nodes.map((n, i) => {
    switch (n.t) {
      case "text":
        return n.v;
      case "br":
        return <br key={i} />;
      case "strong":
        return <strong key={i}>{inline(n.c, cites)}</strong>;
      case "em":
        return <em key={i}>{inline(n.c, cites)}</em>;
      case "code":
        return <code key={i}>{n.v}</code>;
      case "link":
        return (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer nofollow">
            {inline(n.c, cites)}
          </a>
        );
      default: {
        const c = cites.find((x) => x.index === n.n);
        return c?.url ? (
          <a key={i} href={c.url} target="_blank" rel="noopener noreferrer nofollow" title={c.title}>
            <sup>[{n.n}]</sup>
          </a>
        ) : (
          <sup key={i}>[{n.n}]</sup>
        );
      }
    }
  });
}

function block(b: Block, i: number, cites: Citation[]) {
  if (b.t === "p") return <p key={i}>{inline(b.c, cites)}</p>;
  if (b.t === "pre")
    return (
      <pre key={i}>
        <code>{b.v}</code>
      </pre>
    );
  const items = b.items.map((it, j) => <li key={j}>{inline(it, cites)}</li>);
  return b.t === "ul" ? <ul key={i}>{items}</ul> : <ol key={i}>{items}</ol>;
}

// Drawn, not emoji: hosts and kiosks without an emoji font would show empty boxes.
const thumb = (down: boolean) => (
  <svg
    width="14"
    height="14"
    viewBox="0 0 24 24"
    fill="currentColor"
    aria-hidden="true"
    style={down ? "transform:rotate(180deg)" : ""}
  >
    <path d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.4-1L13.2 1 6.6 7.6A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z" />
  </svg>
);

export function MessageView(props: {
  m: Message;
  s: Strings;
  agentName: string;
  onFeedback?: ((value: 1 | -1) => void) | undefined;
}) {
  const { m, s } = props;
  const who = m.role === "visitor" ? s.you : m.role === "operator" ? s.operator : props.agentName;
  const safeCites = m.citations.filter((c) => c.url && /^https?:\/\//i.test(c.url));
  return (
    <div class={`m ${m.role}`}>
      <span class="sr">{who}: </span>
      {m.role === "visitor" ? (
        m.content
      ) : m.content ? (
        parseMarkdown(m.content).map((b, i) => block(b, i, safeCites))
      ) : (
        <span class="dots" aria-hidden="true">
          …
        </span>
      )}
      {m.citations.length > 0 && (
        <ul class="src" aria-label={s.sources}>
          {m.citations.map((c) => (
            <li key={c.index}>
              [{c.index}]{" "}
              {safeCites.includes(c) ? (
                <a href={c.url!} target="_blank" rel="noopener noreferrer nofollow">
                  {c.title}
                </a>
              ) : (
                c.title
              )}
            </li>
          ))}
        </ul>
      )}
      {props.onFeedback && (
        <div class="fb">
          <button
            type="button"
            aria-label={s.helpful}
            aria-pressed={m.feedback === 1}
            onClick={() => props.onFeedback!(1)}
          >
            {thumb(false)}
          </button>
          <button
            type="button"
            aria-label={s.notHelpful}
            aria-pressed={m.feedback === -1}
            onClick={() => props.onFeedback!(-1)}
          >
            {thumb(true)}
          </button>
        </div>
      )}
    </div>
  );
}
