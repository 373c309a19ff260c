// Language-aware tokenising and lexical ranking for the built-in (no model) responder.
// Everything here is deterministic and allocation-light: it runs on every conversation turn.

export type Lang = "en" | "th" | "ru";

export type ScoredPassage<P> = { passage: P; score: number; matched: string[] };

const THAI = /[\u0E00-\u0E7F]/;
const CYRILLIC = /[\u0400-\u04FF]/;
const LATIN = /[a-z]/i;

/** By script: Thai characters → "th", Cyrillic → "ru", else "en". Majority of letters wins. */
export function detectLanguage(text: string): Lang {
  let th = 0;
  let ru = 0;
  let en = 0;
  for (const ch of text) {
    if (THAI.test(ch)) th++;
    else if (CYRILLIC.test(ch)) ru++;
    else if (LATIN.test(ch)) en++;
  }
  // Ties go to the non-Latin script: a message mixing a brand name with Thai is still Thai.
  if (th > 0 && th >= ru && th >= en) return "th";
  if (ru > 0 && ru >= en) return "ru";
  return "en";
}

// One shared segmenter: construction is expensive, segmenting is not. ICU's Thai dictionary
// applies whatever the locale, and Latin/Cyrillic split on the usual word boundaries.
const wordSegmenter = new Intl.Segmenter("th", { granularity: "word" });

const STOP_WORDS = new Set(
  [
    // en: articles, pronouns, auxiliaries, question words, common prepositions
    "a an the and or but if of to in on at by for with from about as into than then so not no",
    "i me my mine we us our you your yours he him his she her it its they them their this that these those",
    "is are was were be been being am do does did done have has had can could will would shall should may might must",
    "what which who whom whose when where why how much many there here any some all just also very too please",
    "hi hello hey thanks thank tell know want need like get",
    // ru
    "и или а но в во на по с со к ко у о об от до из за для при без над под про же ли бы не ни да нет то это",
    "я мне меня мы нас нам вы вас вам ваш ваша ваше ваши ты тебя тебе он она оно они его ее её их мой моя мое мои",
    "что как какой какая какие каков где когда почему зачем сколько кто чем чего есть был была были будет можно",
    "там тут здесь вот так уже еще ещё очень пожалуйста скажите подскажите хочу хотел хотела",
    // th: particles, pronouns, question words and fillers
    "ไหม มั้ย อะไร คือ ที่ และ หรือ ครับ ค่ะ คะ นะ จ้า จ๊ะ ๆ ผม ฉัน ดิฉัน คุณ เรา เขา มัน",
    "อย่างไร ยังไง ไง ได้ ไหน เมื่อไร เมื่อไหร่ ทำไม เท่าไร เท่าไหร่ เท่า ไหร่ กี่ บ้าง หน่อย จะ กับ ใน จาก ให้ ว่า เป็น แล้ว ก็ ของ การ",
    "ขอ อยาก ต้องการ รู้ ช่วย บอก ไม่ มี",
    "มา ไป ด้วย อยู่ แต่ ถ้า ซึ่ง นี้ นั้น โดย ยัง อีก กัน ถึง ตั้งแต่ เพื่อ",
  ]
    .join(" ")
    .split(" "),
);

// biome-ignore format: a flat list reads best
const RU_ENDINGS = [
  "ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ой", "ей", "ый", "ий", "ая", "яя", "ое", "ее",
  "ые", "ие", "ых", "их", "ую", "юю", "ов", "ев", "ах", "ях", "ам", "ям", "ом", "ем", "ы", "и", "а", "я",
  "е", "у", "ю", "ь", "о",
];

function stemRu(word: string): string {
  for (const ending of RU_ENDINGS) {
    if (word.endsWith(ending) && word.length - ending.length >= 4) return word.slice(0, -ending.length);
  }
  return word;
}

// "shipp" → "ship", so "shipping" and "ship" meet; l/s/z doubles are usually part of the root.
function undouble(stem: string): string {
  const last = stem.at(-1)!;
  return stem.length > 3 && last === stem.at(-2) && !"aeioulsz".includes(last) ? stem.slice(0, -1) : stem;
}

function stemEn(word: string): string {
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("ing")) return undouble(word.slice(0, -3));
  if (word.endsWith("ed")) return undouble(word.slice(0, -2));
  if (word.endsWith("ly")) return word.slice(0, -2);
  if (/(?:ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

function stem(word: string): string {
  if (word.length <= 5) return word;
  if (CYRILLIC.test(word)) return stemRu(word);
  if (/^[a-z'-]+$/.test(word)) return stemEn(word);
  return word;
}

// Tokenising the same passage text on every turn is the dominant cost; a bounded cache keeps it
// cheap without changing results (it is cleared wholesale rather than evicted, for simplicity).
type Analysed = { tokens: readonly string[]; counts: Map<string, number> };
const tokenCache = new Map<string, Analysed>();
const TOKEN_CACHE_MAX = 5000;

/** Lower-cased, stop-word-free, lightly stemmed word tokens (Thai split by dictionary). */
export function tokenize(text: string): string[] {
  // A copy, so a caller mutating the result cannot corrupt later lookups.
  return [...analyse(text).tokens];
}

// ICU keeps Thai glued to a Latin word or digit as one segment ("ผ่านagodaได้"): split them first.
const THAI_EDGE =
  /(?<=[\u0E00-\u0E7F])(?=[\p{L}\p{N}])(?![\u0E00-\u0E7F])|(?<=[\p{L}\p{N}])(?<![\u0E00-\u0E7F])(?=[\u0E00-\u0E7F])/gu;
// "wi-fi" is also "wifi", the way customers type it (the parts still count on their own).
const HYPHENATED =
  /(?<![\p{L}\p{N}-])[\p{sc=Latin}\p{sc=Cyrillic}]+(?:-[\p{sc=Latin}\p{sc=Cyrillic}]+)+(?![\p{L}\p{N}-])/gu;

function analyse(text: string): Analysed {
  const cached = tokenCache.get(text);
  if (cached) return cached;
  const out: string[] = [];
  const lower = text
    .toLowerCase()
    .replaceAll("ё", "е")
    .replace(THAI_EDGE, " ")
    .replace(HYPHENATED, (word) => `${word} ${word.replaceAll("-", "")}`);
  for (const seg of wordSegmenter.segment(lower)) {
    if (!seg.isWordLike) continue;
    // Possessive "'s" and apostrophes would otherwise make "agent's" miss "agent".
    const word = seg.segment.replace(/['’]s$/, "").replaceAll(/['’]/g, "");
    if (word.length === 0 || STOP_WORDS.has(word)) continue;
    if (word.length === 1 && !/\d/.test(word) && !THAI.test(word)) continue;
    out.push(stem(word));
  }
  const analysed = { tokens: out, counts: counts(out) };
  if (text.length <= 20_000) {
    if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.clear();
    tokenCache.set(text, analysed);
  }
  return analysed;
}

/**
 * The same English word with or without its plural ending. Words of up to five letters are not
 * stemmed, and the shared-prefix rule needs four: without this "bus" misses "buses", "cup" "cups".
 */
function pluralForms(term: string): string[] {
  if (!/^[a-z]+$/.test(term)) return [];
  if (/(?:s|x|z|ch|sh)es$/.test(term)) return [term.slice(0, -1), term.slice(0, -2)];
  if (term.endsWith("s")) return [term.slice(0, -1), `${term}es`];
  return [`${term}s`, `${term}es`];
}

/** Credit for a query term against a document's term set: exact (or plural) 1, shared long prefix 0.8. */
function termCredit(term: string, terms: Map<string, number>): { credit: number; tf: number } {
  const exact =
    terms.get(term) ?? pluralForms(term).reduce<number | undefined>((tf, f) => tf ?? terms.get(f), undefined);
  if (exact) return { credit: 1, tf: exact };
  // Light stemming misses some pairs ("заказ"/"заказать", "price"/"pric"); a shared prefix of at
  // least 4 letters covering the shorter word catches them. Thai and numbers must match exactly.
  if (term.length < 4 || THAI.test(term) || /^\d/.test(term)) return { credit: 0, tf: 0 };
  let tf = 0;
  for (const [word, count] of terms) {
    if (word.length < 4) continue;
    const gap = word.length - term.length;
    if (gap >= -4 && gap <= 4 && (gap < 0 ? term.startsWith(word) : word.startsWith(term))) tf += count;
  }
  return tf > 0 ? { credit: 0.8, tf } : { credit: 0, tf: 0 };
}

function counts(tokens: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const t of tokens) map.set(t, (map.get(t) ?? 0) + 1);
  return map;
}

const K1 = 1.2;
const B = 0.75;
const QUESTION_WEIGHT = 2;

/**
 * BM25-style ranking. `score` is the share of query terms a passage covers (each term weighted
 * down when it appears in most passages, so a brand name present everywhere cannot carry a match);
 * BM25 breaks ties between equal coverage, which is the common case for short questions.
 */
export function rankPassages<P extends { text: string; question?: string | undefined }>(
  query: string,
  passages: P[],
  limit = 10,
): ScoredPassage<P>[] {
  const queryTerms = [...new Set(analyse(query).tokens)];
  if (queryTerms.length === 0 || passages.length === 0) return [];

  const docs = passages.map((p) => {
    const { tokens, counts: text } = analyse(p.text);
    const question = p.question ? analyse(p.question).counts : null;
    const none = { credit: 0, tf: 0 };
    // Matching is computed once per (term, passage): it feeds both document frequency and scoring.
    const hits = queryTerms.map((term) => ({
      text: termCredit(term, text),
      question: question ? termCredit(term, question) : none,
    }));
    return { length: tokens.length, hits };
  });
  const n = docs.length;
  const avgLength = docs.reduce((sum, d) => sum + d.length, 0) / n || 1;

  const df = queryTerms.map(
    (_, i) => docs.filter((d) => d.hits[i]!.text.credit > 0 || d.hits[i]!.question.credit > 0).length,
  );
  const idf = df.map((f) => Math.log(1 + (n - f + 0.5) / (f + 0.5)));
  // Document-frequency damping only means something with a handful of passages to compare.
  const weight = df.map((f) => (n >= 4 ? 1 - 0.6 * (f / n) : 1));
  const totalWeight = weight.reduce((a, b) => a + b, 0);

  const scored = docs.map((doc, index) => {
    let coverage = 0;
    let bm25 = 0;
    const matched: string[] = [];
    const norm = K1 * (1 - B + (B * doc.length) / avgLength);
    const sat = (tf: number) => (tf * (K1 + 1)) / (tf + norm);
    doc.hits.forEach(({ text, question }, i) => {
      const credit = Math.max(text.credit, question.credit);
      if (credit === 0) return;
      matched.push(queryTerms[i]!);
      coverage += credit * weight[i]!;
      bm25 += idf[i]! * (sat(text.tf) * text.credit + QUESTION_WEIGHT * sat(question.tf) * question.credit);
    });
    return { passage: passages[index]!, score: coverage / totalWeight, bm25, matched, index };
  });

  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || b.bm25 - a.bm25 || a.index - b.index)
    .slice(0, limit)
    .map(({ passage, score, matched }) => ({ passage, score: Math.min(1, score), matched }));
}
