import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Lang,
  NEGATIVE_QUESTIONS,
  QUESTIONS,
} from "../../../test/fixtures/knowledge/quality/questions.ts";
import {
  type Caller,
  call,
  createTestApp,
  createWorkspace,
  signUp,
  type TestApp,
} from "../../../test/harness.ts";
import { RELEVANT_SCORE } from "./knowledge-gaps.ts";

// Retrieval quality with lexical search alone (no embedding model is configured): a small
// business's knowledge base per language — a café and roastery (English), a dental clinic
// (Russian), a resort (Thai) — added as text sources through the API, and questions typed the
// way customers type them. Every question must find its passage in the top 3; hit@1 and hit@3
// per language are printed. Questions about things the knowledge base does not cover must stay
// below the relevance bar, so the built-in responder says it does not know.

const LANGS: Lang[] = ["en", "ru", "th"];
const SOURCE_NAME: Record<Lang, string> = {
  en: "Copper Kettle Coffee — customer help",
  ru: "Дента Плюс — вопросы пациентов",
  th: "บ้านสวนรีสอร์ท — ข้อมูลสำหรับแขก",
};
const LIMIT = 3;

const fixture = (lang: Lang) =>
  readFileSync(new URL(`../../../test/fixtures/knowledge/quality/${lang}.md`, import.meta.url), "utf8");
/** The passages of a knowledge base: its `##` headings, each one passage (chunk) of its own. */
const passageHeadings = (text: string) =>
  text
    .split("\n")
    .filter((line) => line.startsWith("## "))
    .map((line) => line.slice(3).trim());

type Result = { heading: string | null; score: number };
type Outcome = { lang: Lang; question: string; expected: string; rank: number; top: Result[] };

let t: TestApp;
let wsUrl: string;
let bearer: Caller;
const agents = {} as Record<Lang, string>;
const outcomes: Outcome[] = [];
/** The best score each off-topic question got, by language. */
const offTopic: Record<Lang, number[]> = { en: [], ru: [], th: [] };

/** The passage's name in results: the last step of its heading path. */
const passageOf = (r: Result) => r.heading?.split(" › ").at(-1) ?? null;

async function search(lang: Lang, query: string): Promise<Result[]> {
  const res = await call(t.app, bearer, "POST", `${wsUrl}/agents/${agents[lang]}/knowledge/search`, {
    query,
    limit: LIMIT,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().results;
}

beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" } });
  const owner = await signUp(t.app);
  const ws = await createWorkspace(t.app, owner.bearer);
  bearer = owner.bearer;
  wsUrl = `/api/v1/workspaces/${ws.id}`;
  for (const lang of LANGS) {
    const agent = await call(t.app, bearer, "POST", `${wsUrl}/agents`, {
      name: `Help desk (${lang})`,
      provider: "builtin",
    });
    expect(agent.statusCode, agent.body).toBe(201);
    agents[lang] = agent.json().id;
    const source = await call(t.app, bearer, "POST", `${wsUrl}/agents/${agents[lang]}/sources`, {
      type: "text",
      name: SOURCE_NAME[lang],
      text: fixture(lang),
    });
    expect(source.statusCode, source.body).toBe(202);
    expect(source.json()).toMatchObject({ status: "ready", error: null });
  }
});

afterAll(async () => {
  if (outcomes.length > 0) {
    const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(0)}%`.padStart(5);
    // "over bar": the right passage came first and clears the relevance bar, so the built-in
    // responder answers from it (below the bar it says it does not know).
    const lines = ["lexical retrieval quality  questions  hit@1  hit@3  over bar  off-topic best"];
    for (const lang of LANGS) {
      const mine = outcomes.filter((o) => o.lang === lang);
      if (mine.length === 0) continue;
      const at = (k: number) => mine.filter((o) => o.rank >= 1 && o.rank <= k).length;
      const answered = mine.filter((o) => o.rank === 1 && o.top[0]!.score >= RELEVANT_SCORE).length;
      const worst = offTopic[lang].length ? Math.max(...offTopic[lang]).toFixed(3) : "-";
      lines.push(
        `  ${lang}                       ${String(mine.length).padStart(9)}  ${pct(at(1), mine.length)}  ${pct(at(3), mine.length)}  ${pct(answered, mine.length).padStart(8)}  ${worst} (bar ${RELEVANT_SCORE})`,
      );
    }
    for (const o of outcomes.filter((o) => o.rank !== 1)) {
      const got = o.top.map((r) => `${passageOf(r)} (${r.score})`).join(" | ");
      lines.push(
        `  ${o.rank === 0 ? "miss" : `#${o.rank}  `} ${o.lang} "${o.question}" → want "${o.expected}", got ${got}`,
      );
    }
    console.log(lines.join("\n"));
  }
  await t?.close();
});

describe.each(LANGS)("%s knowledge base", (lang) => {
  it("is one passage per heading, and every question names one of them", async () => {
    const headings = passageHeadings(fixture(lang));
    expect(new Set(headings).size).toBe(headings.length);
    for (const q of QUESTIONS[lang]) expect(headings).toContain(q.heading);
    // Each passage is a chunk of its own (plus the introduction under the title), so "its
    // passage in the top 3" means exactly that passage, not a chunk that happens to contain it.
    const list = await call(t.app, bearer, "GET", `${wsUrl}/agents/${agents[lang]}/sources`);
    expect(list.json().sources[0].chunkCount).toBe(headings.length + 1);
  });

  it.each(QUESTIONS[lang])("finds $heading in the top 3 for “$question”", async ({ question, heading }) => {
    const top = await search(lang, question);
    const rank = top.findIndex((r) => passageOf(r) === heading) + 1;
    outcomes.push({ lang, question, expected: heading, rank, top });
    expect(
      rank,
      `“${question}” → ${top.map((r) => `${passageOf(r)} (${r.score})`).join(" | ") || "nothing"}`,
    ).toBeGreaterThan(0);
  });

  it.each(NEGATIVE_QUESTIONS[lang])(
    "has nothing relevant for “%s”, and the agent says so",
    async (question) => {
      const top = await search(lang, question);
      offTopic[lang].push(top[0]?.score ?? 0);
      expect(top[0]?.score ?? 0, JSON.stringify(top)).toBeLessThan(RELEVANT_SCORE);
      // The built-in responder answers from the same search: nothing to cite, a knowledge gap.
      const chat = await call(t.app, bearer, "POST", `${wsUrl}/agents/${agents[lang]}/chat`, {
        message: question,
      });
      expect(chat.statusCode, chat.body).toBe(200);
      expect(chat.json().message.citations).toEqual([]);
    },
  );
});
