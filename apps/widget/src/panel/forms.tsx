import { useState } from "preact/hooks";
import type { Strings } from "./i18n.ts";

export type ContactInput = { name?: string; email?: string; phone?: string };

/** Contact details (the pre-chat form too): an email or a phone number is required. */
export function ContactForm(props: {
  s: Strings;
  title: string;
  action: string;
  onSubmit: (c: ContactInput) => Promise<void>;
}) {
  const { s } = props;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card"
      aria-label={props.title}
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const pick = (k: string) => String(f.get(k) ?? "").trim() || undefined;
        const c = { name: pick("name"), email: pick("email"), phone: pick("phone") };
        if (!c.email && !c.phone) return setError(s.contactNeeded);
        setBusy(true);
        setError(null);
        try {
          await props.onSubmit(c);
        } catch {
          setError(s.failed);
        } finally {
          setBusy(false);
        }
      }}
    >
      <strong>{props.title}</strong>
      <label>
        {s.name}
        <input name="name" autocomplete="name" maxLength={200} />
      </label>
      <label>
        {s.email}
        <input name="email" type="email" autocomplete="email" maxLength={320} />
      </label>
      <label>
        {s.phone}
        <input name="phone" type="tel" autocomplete="tel" maxLength={32} />
      </label>
      {error && <span role="alert">{error}</span>}
      <button class="btn pri" type="submit" disabled={busy}>
        {props.action}
      </button>
    </form>
  );
}

export function RatingForm(props: {
  s: Strings;
  onSubmit: (rating: number, comment: string) => Promise<void>;
}) {
  const { s } = props;
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState("");
  return (
    <form
      class="card"
      aria-label={s.rate}
      onSubmit={(e) => {
        e.preventDefault();
        if (rating) void props.onSubmit(rating, comment.trim());
      }}
    >
      <strong id="mc-rate">{s.rate}</strong>
      <fieldset class="stars" aria-labelledby="mc-rate">
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            aria-label={s.stars.replace("{n}", String(n))}
            aria-pressed={rating >= n}
            onClick={() => setRating(n)}
          >
            ★
          </button>
        ))}
      </fieldset>
      <label>
        {s.comment}
        <textarea
          rows={2}
          maxLength={2000}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
      </label>
      <button class="btn pri" type="submit" disabled={!rating}>
        {s.submit}
      </button>
    </form>
  );
}
