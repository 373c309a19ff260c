import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Every namespace — the shared one in i18n/locales and each feature's own in
// features/<name>/locales — holds exactly the same keys in English, Thai and Russian, none
// empty, with the same {{placeholders}}; every literal key the code asks t() for exists (a
// feature's files may use their own namespace and the shared one). Keys built at run time —
// t(`nav.${key}`) — are covered by the browser tests, which fail on a rendered ⟦key⟧.

type Tree = { [k: string]: string | Tree };
const SRC = fileURLToPath(new URL("..", import.meta.url));

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

// Plural forms differ by language (Russian has _one/_few/_many/_other, Thai only _other):
// keys are compared without their plural suffix.
const PLURAL = /_(zero|one|two|few|many|other)$/;
const baseKeys = (map: Map<string, string>) =>
  [...new Set([...map.keys()].map((k) => k.replace(PLURAL, "")))].sort();

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

type Languages = { en: Map<string, string>; th: Map<string, string>; ru: Map<string, string> };
const load = (dir: string): Languages => {
  const read = (l: string) => flatten(JSON.parse(readFileSync(join(dir, `${l}.json`), "utf8")) as Tree);
  return { en: read("en"), th: read("th"), ru: read("ru") };
};

const shared = load(join(SRC, "i18n/locales"));
const features = readdirSync(join(SRC, "features"))
  .filter((f) => existsSync(join(SRC, "features", f, "locales")))
  .map((f) => ({ name: f, languages: load(join(SRC, "features", f, "locales")) }));
const namespaces = [{ name: "shared", languages: shared }, ...features];

describe.each(namespaces)("translations ($name)", ({ name, languages }) => {
  it("have the same keys in English, Thai and Russian, none empty", () => {
    const keys = baseKeys(languages.en);
    for (const [lang, map] of Object.entries(languages)) {
      expect(baseKeys(map), lang).toEqual(keys);
      for (const [k, v] of map) expect(v.trim(), `${lang}: ${k}`).not.toBe("");
    }
  });

  it("keep every {{placeholder}} in every language", () => {
    for (const lang of ["en", "th", "ru"] as const) {
      for (const [k, v] of languages[lang]) {
        const base = k.replace(PLURAL, "");
        const en = languages.en.get(base) ?? languages.en.get(`${base}_other`) ?? "";
        // A plural form may leave {{count}} out ("One passage").
        const drop = (xs: (string | undefined)[]) => (PLURAL.test(k) ? xs.filter((x) => x !== "count") : xs);
        expect(drop(placeholders(v)), `${lang}: ${k}`).toEqual(drop(placeholders(en)));
      }
    }
  });

  it("translate Thai and Russian rather than copy English (except names kept as they are)", () => {
    const same = [...languages.en].filter(
      ([k, v]) =>
        (languages.th.get(k) === v || languages.ru.get(k) === v) &&
        !/^(common\.appName|languages\.)/.test(k) &&
        !/^[\s\d\W]*$|^(https?:|[A-Z0-9_]+$)/.test(v),
    );
    expect(same.map(([k]) => `${name}: ${k}`)).toEqual([]);
  });
});

describe("the code's keys", () => {
  it("all exist, in the file's feature namespace or the shared one", () => {
    const missing: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const feature = features.find((f) => file.startsWith(`${join(SRC, "features", f.name)}/`));
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([^"]+)"/g)) {
        const key = m[1]!;
        if (!shared.en.has(key) && !feature?.languages.en.has(key))
          missing.push(`${file.slice(SRC.length)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
