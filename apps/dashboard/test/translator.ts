import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type TFunction } from "i18next";

// The dashboard's own strings, for tests that walk the same journey in every language: a step
// names its button by key (`T("auth.signUp.submit")`, `T("inbox:composer.send")`), so the test
// reads the label the person sees in that language.

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
type Tree = Record<string, unknown>;
const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Tree;

function resources() {
  const out: Record<string, Record<string, Tree>> = { en: {}, th: {}, ru: {} };
  for (const lang of ["en", "th", "ru"])
    out[lang]!.translation = read(join(SRC, `i18n/locales/${lang}.json`));
  for (const feature of readdirSync(join(SRC, "features"))) {
    let ns: string | undefined;
    try {
      ns = readFileSync(join(SRC, "features", feature, "i18n.ts"), "utf8").match(
        /registerLocales\("([^"]+)"/,
      )?.[1];
    } catch {
      continue;
    }
    if (!ns) continue;
    for (const lang of ["en", "th", "ru"]) {
      out[lang]![ns] = read(join(SRC, "features", feature, `locales/${lang}.json`));
    }
  }
  return out;
}

export type Lang = "en" | "th" | "ru";

export async function translator(lang: Lang): Promise<TFunction> {
  const i = i18next.createInstance();
  await i.init({
    resources: resources(),
    lng: lang,
    fallbackLng: false,
    fallbackNS: "translation",
    interpolation: { escapeValue: false },
    parseMissingKeyHandler: (key) => {
      throw new Error(`no such string: ${key}`);
    },
  });
  return i.t;
}
