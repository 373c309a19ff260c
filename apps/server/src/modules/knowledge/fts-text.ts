// Text preparation for PostgreSQL full-text search (to_tsvector / websearch_to_tsquery).
// PostgreSQL's parsers split on spaces and punctuation, which Thai does not use between words,
// so Thai is segmented here (ICU dictionary via Intl.Segmenter) on both the index and query side.
import { detectLanguage, tokenize } from "../conversations/text-match.ts";

export type FtsConfig = "english" | "russian" | "simple";

const wordSegmenter = new Intl.Segmenter("th", { granularity: "word" });
const THAI_RUN = /[\u0E00-\u0E7F]+/g;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const MAX_TERMS = 32;

function count(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

/**
 * The configuration that indexes this text. Thai-majority text → "simple" (segmented, no stemmer
 * exists); Cyrillic-majority → "russian"; Latin → "english"; no Latin/Cyrillic/Thai letters → "simple".
 * Latin text with a real share of Cyrillic (≥ 20% of those letters) also gets "russian": PostgreSQL's
 * russian configuration stems ASCII words with the English stemmer, so it serves both halves.
 * Search with the same configuration the chunk was indexed with.
 */
export function ftsConfigFor(text: string): FtsConfig {
  const lang = detectLanguage(text);
  if (lang === "th") return "simple";
  if (lang === "ru") return "russian";
  const cyrillic = count(text, /[\u0400-\u04FF]/g);
  const latin = count(text, /[a-z]/gi);
  if (latin === 0) return "simple";
  return cyrillic >= 0.2 * (latin + cyrillic) ? "russian" : "english";
}

/** Thai words of a Thai run, separated by spaces. */
function segmentThai(run: string): string {
  const words: string[] = [];
  for (const seg of wordSegmenter.segment(run)) if (seg.segment.trim()) words.push(seg.segment);
  return words.join(" ");
}

/** Each Thai run transformed, and set apart from a Latin word or digit glued to it ("iPhoneราคา"). */
function mapThaiRuns(text: string, transform: (run: string) => string): string {
  return text.replace(THAI_RUN, (run: string, offset: number, whole: string) => {
    const before = offset > 0 && WORD_CHAR.test(whole[offset - 1]!) ? " " : "";
    const after = WORD_CHAR.test(whole[offset + run.length] ?? "") ? " " : "";
    return before + transform(run) + after;
  });
}

// "Wi-Fi", "e-mail", "check-in": PostgreSQL's parser indexes the whole word and its parts, never
// the parts run together, which is how customers type them ("wifi", "email", "checkin").
const HYPHENATED =
  /(?<![\p{L}\p{N}-])[\p{sc=Latin}\p{sc=Cyrillic}]+(?:-[\p{sc=Latin}\p{sc=Cyrillic}]+)+(?![\p{L}\p{N}-])/gu;

/**
 * Text for to_tsvector: each Thai run is split into words joined by spaces (and set apart from a
 * Latin word or digit glued to it, as in "iPhoneราคา"), and a hyphenated word is followed by its
 * parts run together ("Wi-Fi" → "Wi-Fi WiFi"); everything else passes through unchanged.
 */
export function ftsDocument(text: string): string {
  return mapThaiRuns(text, segmentThai).replace(HYPHENATED, (word) => `${word} ${word.replaceAll("-", "")}`);
}

/**
 * Other spellings of an English word that the snowball stemmer does not bring together: the "-es"
 * plural of a word ending in "s" ("bus" → 'bus' but "buses" → 'buse'; "gas", "plus", "alias"
 * alike) and back. The query carries both; a spelling that stems to nothing indexed matches nothing.
 */
function englishVariants(word: string): string[] {
  if (!/^[a-z]+$/i.test(word) || word.length < 3) return [];
  if (/[^s]ses$/i.test(word)) return [word.slice(0, -2)];
  // A vowel before the "s" marks a singular ("bus", "gas", "plus"); "cups" needs no "cupses".
  if (/[aiou]s$/i.test(word)) return [`${word}es`];
  return [];
}

/**
 * A websearch_to_tsquery string: the query's words (Thai segmented) joined with " OR ", so chunks
 * matching more of them rank higher. Only letters, digits and marks survive (plus . , ' ’ _ inside
 * a word, which PostgreSQL's parser reads the same way in documents): no quotes, no leading minus,
 * and the word "or" itself is dropped, so user input is never parsed as websearch syntax.
 * Filler words (question words, particles, greetings — the built-in responder's stop words, which
 * PostgreSQL has no list for in Thai) are left out unless nothing else remains. Thai glued to a
 * Latin word ("จองผ่านagoda") is split from it, as in documents; English words ending in "s" bring
 * the plural spelling the stemmer would miss (englishVariants). At most 32 terms; "" when nothing
 * searchable remains.
 */
export function ftsQuery(query: string): string {
  const words: string[] = [];
  const seen = new Set<string>();
  for (const seg of wordSegmenter.segment(mapThaiRuns(query.normalize("NFC"), (run) => run))) {
    if (!seg.isWordLike) continue;
    const cleaned = seg.segment.replace(/[^\p{L}\p{N}\p{M}.,'’_]+/gu, " ");
    for (const part of cleaned.split(" ")) {
      const word = part.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}\p{M}]+$/gu, "");
      const key = word.toLowerCase();
      if (!word || key === "or" || seen.has(key)) continue;
      seen.add(key);
      words.push(word);
    }
  }
  const content = words.filter((w) => tokenize(w).length > 0);
  const terms = content.length > 0 ? content : words;
  // Variants go last, so the cap drops them before any word the customer typed.
  const variants = terms.flatMap(englishVariants).filter((v) => !seen.has(v.toLowerCase()));
  return [...terms, ...new Set(variants)].slice(0, MAX_TERMS).join(" OR ");
}
