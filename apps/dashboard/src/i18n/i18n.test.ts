import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import en from "./locales/en.json" with { type: "json" };
import ru from "./locales/ru.json" with { type: "json" };
import th from "./locales/th.json" with { type: "json" };

// The three languages hold exactly the same keys, none empty, with the same {{placeholders}};
// every literal key the code asks t() for exists. (Keys built at run time — t(`nav.${key}`) —
// are covered by the browser test, which fails on a rendered ⟦key⟧.)

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

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

const languages = { en: flatten(en), th: flatten(th), ru: flatten(ru) };

describe("translations", () => {
  it("have the same keys in English, Thai and Russian, none empty", () => {
    const keys = [...languages.en.keys()].sort();
    for (const [lang, map] of Object.entries(languages)) {
      expect([...map.keys()].sort(), lang).toEqual(keys);
      for (const [k, v] of map) expect(v.trim(), `${lang}: ${k}`).not.toBe("");
    }
  });

  it("keep every {{placeholder}} in every language", () => {
    for (const [k, v] of languages.en) {
      for (const lang of ["th", "ru"] as const) {
        expect(placeholders(languages[lang].get(k) ?? ""), `${lang}: ${k}`).toEqual(placeholders(v));
      }
    }
  });

  it("translate Thai and Russian rather than copy English (except names kept as they are)", () => {
    const same = [...languages.en].filter(
      ([k, v]) =>
        (languages.th.get(k) === v || languages.ru.get(k) === v) && !/^(common\.appName|languages\.)/.test(k),
    );
    expect(same.map(([k]) => k)).toEqual([]);
  });

  it("contain every key the code asks for", () => {
    const missing: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([^"]+)"/g)) {
        if (!languages.en.has(m[1]!)) missing.push(`${file.slice(SRC.length)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
