// The offline responder used when no model is configured: no network, no prompt, deterministic.
// It only ever says fixed phrases or text extracted verbatim from the agent's own passages, so
// there is nothing to leak and nothing a visitor's "instructions" can change.
import { detectLanguage, type Lang, type ScoredPassage, tokenize } from "./text-match.ts";

export type Passage = {
  id: string;
  sourceId: string;
  title: string;
  text: string;
  question?: string | undefined;
  url?: string | null | undefined;
};
export type UnknownAnswerBehaviour = "say-so" | "offer-human" | "capture-lead";
export type BuiltinInput = {
  message: string;
  passages: ScoredPassage<Passage>[];
  agent: {
    name: string;
    welcomeMessage: string | null;
    unknownAnswerBehaviour: UnknownAnswerBehaviour;
    language: "auto" | Lang;
  };
  /** true when this is the first visitor message of the conversation */
  firstTurn: boolean;
};
export type BuiltinCitation = {
  passageId: string;
  sourceId: string;
  title: string;
  url: string | null;
  quote: string;
};
type Intent = "answer" | "greeting" | "unknown" | "handoff" | "lead";
export type BuiltinReply = {
  intent: Intent;
  text: string;
  citations: BuiltinCitation[];
  language: Lang;
  contact?: { name?: string; email?: string; phone?: string };
};

const PHRASES = {
  en: {
    thanks: (name?: string) => (name ? `Thank you, ${name}!` : "Thank you!"),
    lead: "We've received your contact details, and our team will get in touch with you soon.",
    handoff: "Of course. A member of our team will join this conversation shortly.",
    greeting: (agent: string) => `Hello! I'm ${agent}.`,
    help: ["What else can I help you with?", "How can I help you today?"],
    unknown: "Sorry, I don't have information about that.",
    "say-so": "Could you try rephrasing your question?",
    "offer-human": "Would you like me to connect you with a member of our team?",
    "capture-lead": "If you leave your email or phone number, our team will get back to you.",
  },
  th: {
    thanks: (name?: string) => (name ? `ขอบคุณ คุณ${name}` : "ขอบคุณ"),
    lead: "เราได้รับข้อมูลติดต่อของคุณแล้ว ทีมงานจะติดต่อกลับโดยเร็วที่สุด",
    handoff: "ได้เลย เจ้าหน้าที่ของเราจะเข้ามาดูแลในการสนทนานี้ในอีกสักครู่",
    greeting: (agent: string) => `สวัสดี ${agent} ยินดีให้บริการ`,
    help: ["มีอะไรให้ช่วยเพิ่มเติมไหม", "มีอะไรให้ช่วยไหม"],
    unknown: "ขออภัย ไม่มีข้อมูลเกี่ยวกับเรื่องนี้",
    "say-so": "กรุณาลองถามใหม่ด้วยคำอื่น",
    "offer-human": "ต้องการให้เชื่อมต่อกับเจ้าหน้าที่ของเราไหม",
    "capture-lead": "กรุณาฝากอีเมลหรือเบอร์โทรศัพท์ไว้ แล้วทีมงานจะติดต่อกลับ",
  },
  ru: {
    thanks: (name?: string) => (name ? `Спасибо, ${name}!` : "Спасибо!"),
    lead: "Мы получили ваши контактные данные, и наша команда скоро с вами свяжется.",
    handoff: "Конечно. Сотрудник нашей команды скоро подключится к разговору.",
    greeting: (agent: string) => `Здравствуйте! Я ${agent}.`,
    help: ["Чем ещё могу помочь?", "Чем могу помочь?"],
    unknown: "К сожалению, у меня нет информации об этом.",
    "say-so": "Попробуйте, пожалуйста, переформулировать вопрос.",
    "offer-human": "Хотите, я соединю вас с сотрудником нашей команды?",
    "capture-lead": "Оставьте, пожалуйста, email или номер телефона, и наша команда свяжется с вами.",
  },
} as const;

const wordSegmenter = new Intl.Segmenter("th", { granularity: "word" });
const sentenceSegmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** Space-separated word list, so long vocabularies stay compact. */
const list = (s: string): string[] => s.split(" ");

function words(text: string): string[] {
  const out: string[] = [];
  for (const s of wordSegmenter.segment(text.toLowerCase())) if (s.isWordLike) out.push(s.segment);
  return out;
}

// ---- contact details ----------------------------------------------------------------------

const EMAIL = /^[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$/i;
// Bounded repetition keeps this linear; validation below decides whether a run is a phone.
const PHONE_RUN = /\+?\(?\d[\d \t().-]{5,20}\d/g;
const NAME_MARKERS = ["my name is", "меня зовут", "ดิฉันชื่อ", "ฉันชื่อ", "ผมชื่อ"];
const NAME_STOP = new Set(list("and my i email phone number from и мой моя мне а телефон"));
const THAI_PARTICLES = /(?:ครับ|ค่ะ|คะ|นะ|จ้า|ค่า)+$/;

function findEmail(message: string): string | undefined {
  for (const raw of message.split(/\s+/)) {
    const token = raw.replace(/^[<([{"'«]+|[>)\]}"'».,;:!?]+$/g, "");
    if (token.length <= 254 && EMAIL.test(token)) return token;
  }
  return undefined;
}

function isPhone(run: string): boolean {
  const digits = run.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return false;
  if (/^\d{4}[-.]\d{1,2}[-.]\d{1,2}$|^\d{1,2}[-.]\d{1,2}[-.]\d{2,4}$/.test(run)) return false; // dates
  if (/^\d{1,3}(?: \d{3})+$/.test(run)) return false; // "1 000 000" is an amount
  if (!/\d{2}/.test(run)) return false; // "1 2 3 4 5 6 7" is a list, not a number
  if (run.startsWith("+")) return digits.length >= 8;
  if (/[\s().-]/.test(run)) return true;
  // A bare digit run is only a phone in the local trunk formats (0…, Russian 8…), not an order number.
  return /^[08]\d{8,10}$/.test(digits);
}

function findPhone(message: string): string | undefined {
  for (const m of message.matchAll(PHONE_RUN)) {
    const run = m[0].trim();
    if (isPhone(run)) return run;
  }
  return undefined;
}

function findName(message: string): string | undefined {
  const lower = message.toLowerCase();
  for (const marker of NAME_MARKERS) {
    const at = lower.indexOf(marker);
    if (at < 0) continue;
    const rest = message
      .slice(at + marker.length, at + marker.length + 80)
      .split(/[,.!?;:\n()]/)[0]!
      .trim();
    if (/[\u0E00-\u0E7F]/.test(marker)) {
      const name = (rest.split(/\s+/)[0] ?? "").replace(THAI_PARTICLES, "");
      if (name) return name;
      continue;
    }
    const taken: string[] = [];
    for (const w of rest.split(/\s+/)) {
      if (taken.length === 3 || !/^\p{L}[\p{L}'’-]*$/u.test(w) || NAME_STOP.has(w.toLowerCase())) break;
      taken.push(w);
    }
    if (taken.length > 0) return taken.join(" ");
  }
  return undefined;
}

function findContact(message: string): BuiltinReply["contact"] {
  const email = findEmail(message);
  // Digits inside an email address are not a phone number.
  const phone = findPhone(email ? message.replace(email, " ") : message);
  const name = findName(message);
  if (!email && !phone && !name) return undefined;
  return { ...(name && { name }), ...(email && { email }), ...(phone && { phone }) };
}

// ---- handoff and greeting -----------------------------------------------------------------

const HUMAN_WORDS = new Set(
  list("human humans person operator operators agent agents оператор оператора оператором оператору менеджер")
    .concat(list("менеджера менеджером менеджеру живой живого живым живому живая живую"))
    .concat(list("человек человека человеком человеку")),
);
const HUMAN_PHRASES = [" someone real ", " real person ", " support staff ", " live chat "];
// Thai has no spaces, so these are matched as substrings ("เจ้าหน้าที่" segments as two words).
const THAI_HUMAN = ["พนักงาน", "เจ้าหน้าที่", "คุยกับคน", "แอดมิน"];

function asksForHuman(message: string, ws: string[]): boolean {
  const compact = message.replace(/\s+/g, "");
  if (THAI_HUMAN.some((p) => compact.includes(p))) return true;
  if (HUMAN_PHRASES.some((p) => ` ${ws.join(" ")} `.includes(p))) return true;
  return ws.some((w, i) => {
    const prev = ws[i - 1] ?? "";
    // "per person" / "на человека" / "2 человека" are about headcount, not about talking to one.
    if (prev === "per" || prev === "на" || /^\d+$/.test(prev)) return false;
    return HUMAN_WORDS.has(w);
  });
}

// Phrases separated by "|"; multi-word ones are matched as consecutive words.
const phrases = (s: string): string[][] => s.split("|").map((p) => p.split(" "));
const GREETINGS = phrases(
  "hi|hello|hey|hiya|howdy|hallo|greetings|good morning|good afternoon|good evening|good day|привет|приветик|" +
    "приветствую|здравствуйте|здравствуй|здрасте|добрый день|добрый вечер|доброе утро|доброго дня|салют|สวัสดี|หวัด ดี",
);
const GREETING_FILLERS = phrases(
  "there|all|everyone|everybody|folks|guys|team|how are you|how are you doing|всем|вам|ребята|как дела|" +
    "ครับ|ครับผม|ค่ะ|คะ|ค่า|จ้า|จ้ะ|นะ|ทุก คน",
);

function startsWith(ws: string[], at: number, phrase: string[]): boolean {
  return phrase.every((p, k) => ws[at + k] === p);
}

/** True when the message is only a greeting (plus fillers like "there", polite particles, or the agent's name). */
function isPureGreeting(ws: string[], agentName: string): boolean {
  const fillers = [...GREETING_FILLERS, ...words(agentName).map((w) => [w])];
  let greeted = false;
  for (let i = 0; i < ws.length; ) {
    const greeting = GREETINGS.filter((g) => startsWith(ws, i, g)).sort((a, b) => b.length - a.length)[0];
    const filler = fillers.filter((f) => startsWith(ws, i, f)).sort((a, b) => b.length - a.length)[0];
    const step = greeting ?? filler;
    if (!step) return false;
    greeted ||= Boolean(greeting);
    i += step.length;
  }
  return greeted;
}

// ---- answers ------------------------------------------------------------------------------

const ABBREVIATION =
  /(?:^|\s)(?:mr|mrs|ms|dr|st|vs|etc|inc|ltd|no|approx|e\.g|i\.e|руб|тел|ул|г|д|т\.е|т\.д|т\.п)\.\s*$/i;
const THAI_BREAK = /(?<=[\u0E00-\u0E7F])[ \t]+(?=[\u0E00-\u0E7F])/;

/** Whole sentences (trimmed). Thai marks sentence ends with a space between Thai words. */
function splitSentences(text: string): string[] {
  const merged: string[] = [];
  let previous = "";
  for (const { segment } of sentenceSegmenter.segment(text)) {
    // ICU splits after "Mr." or "руб."; glue those back so we never quote half a sentence.
    // Only the raw previous segment is tested, so a run of abbreviations stays linear.
    if (merged.length > 0 && (ABBREVIATION.test(previous) || /^\s*\p{Ll}/u.test(segment)))
      merged[merged.length - 1] += segment;
    else merged.push(segment);
    previous = segment;
  }
  return merged
    .flatMap((s) => s.split(/\n+/))
    .flatMap((s) => s.split(THAI_BREAK))
    .map((s) => s.trim())
    .filter(Boolean);
}

const MAX_QUOTE = 600;

/** Leading whole sentences up to ~MAX_QUOTE characters (always at least the first sentence). */
function trimToSentences(sentences: string[]): string {
  let out = "";
  for (const s of sentences) {
    if (out && out.length + 1 + s.length > MAX_QUOTE) break;
    out = out ? `${out} ${s}` : s;
  }
  return out;
}

function overlap(queryTerms: Set<string>, sentence: string): number {
  let hits = 0;
  for (const t of new Set(tokenize(sentence))) {
    if (queryTerms.has(t)) hits += 1;
    else if (
      t.length >= 4 &&
      [...queryTerms].some((q) => q.length >= 4 && (q.startsWith(t) || t.startsWith(q)))
    )
      hits += 0.8;
  }
  return hits;
}

function extract(passage: Passage, queryTerms: Set<string>): string {
  const sentences = splitSentences(passage.text);
  if (passage.question || sentences.length <= 1) return trimToSentences(sentences);
  const ranked = sentences
    .map((s, index) => ({ s, index, score: overlap(queryTerms, s) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index);
  // The passage matched (maybe via its title or a fuzzy term) but no sentence does: lead with its opening.
  if (ranked.length === 0) return trimToSentences(sentences);
  const picked: typeof ranked = [];
  let length = 0;
  for (const r of ranked.slice(0, 3)) {
    if (picked.length > 0 && length + r.s.length > MAX_QUOTE) break;
    picked.push(r);
    length += r.s.length + 1;
  }
  return picked
    .sort((a, b) => a.index - b.index)
    .map((r) => r.s)
    .join(" ");
}

const MIN_SCORE = 0.5;
const RELATIVE_SCORE = 0.6;
const MAX_PASSAGES = 3;

function answer(message: string, passages: ScoredPassage<Passage>[]): BuiltinCitation[] {
  const sorted = [...passages].sort((a, b) => b.score - a.score);
  const best = sorted[0];
  if (!best || best.score < MIN_SCORE) return [];
  const queryTerms = new Set(tokenize(message));
  const citations: BuiltinCitation[] = [];
  for (const { passage, score } of sorted) {
    if (citations.length === MAX_PASSAGES || score < MIN_SCORE || score < RELATIVE_SCORE * best.score) break;
    const quote = extract(passage, queryTerms);
    if (!quote || citations.some((c) => c.passageId === passage.id || c.quote === quote)) continue;
    const { id, sourceId, title, url } = passage;
    citations.push({ passageId: id, sourceId, title, url: url ?? null, quote });
  }
  return citations;
}

export function respondBuiltin(input: BuiltinInput): BuiltinReply {
  const { message, agent } = input;
  const language = agent.language === "auto" ? detectLanguage(message) : agent.language;
  const say = PHRASES[language];
  const reply = (intent: Intent, text: string, citations: BuiltinCitation[] = []): BuiltinReply => {
    return { intent, text, citations, language };
  };

  const contact = findContact(message);
  if (contact?.email || contact?.phone)
    return { ...reply("lead", `${say.thanks(contact.name)} ${say.lead}`), contact };
  const withContact = (r: BuiltinReply): BuiltinReply => (contact ? { ...r, contact } : r);

  const ws = words(message);
  if (asksForHuman(message, ws)) return withContact(reply("handoff", say.handoff));
  if (ws.length > 0 && isPureGreeting(ws, agent.name)) {
    const welcome = agent.welcomeMessage?.trim();
    // Later in a conversation "How can I help you today?" reads oddly, hence the firstTurn variant.
    const greeting = `${say.greeting(agent.name)} ${say.help[input.firstTurn ? 1 : 0]}`;
    return withContact(reply("greeting", welcome || greeting));
  }

  const citations = answer(message, input.passages);
  if (citations.length > 0) {
    return withContact(
      reply("answer", citations.map((c, i) => `${c.quote} [${i + 1}]`).join("\n\n"), citations),
    );
  }
  return withContact(reply("unknown", `${say.unknown} ${say[agent.unknownAnswerBehaviour]}`));
}

/** Streamable pieces: a word with its trailing punctuation and whitespace; Thai words split apart. */
export function chunkForStreaming(text: string): string[] {
  const chunks: string[] = [];
  let current = "";
  let afterSpace = false;
  let afterWord = false;
  for (const { segment, isWordLike } of wordSegmenter.segment(text)) {
    const space = /^\s+$/.test(segment);
    // Start a new piece at the first non-space after whitespace, or between two adjacent words (Thai).
    if (current && !space && (afterSpace || (isWordLike && afterWord))) {
      chunks.push(current);
      current = "";
    }
    current += segment;
    afterSpace = space;
    afterWord = Boolean(isWordLike);
  }
  if (current) chunks.push(current);
  return chunks;
}
