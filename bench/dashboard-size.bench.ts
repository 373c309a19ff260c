// What the dashboard costs in bytes over the wire: the JavaScript a signed-in person downloads
// before the first screen (the entry chunk, the app shell, the agents list — the screen "/"
// lands on — and every chunk they import statically), and the stylesheet. Every other screen
// is a lazy chunk and is not counted. Budget (issue 6): initial JS ≤ 200 KB gzipped.
//
// Run: npm run bench:dashboard-size
// Builds the dashboard first (vite build, as `npm start` does) and reads Vite's manifest.
// Sizes are gzip at level 6 (zlib's default), and for reference level 9 and Brotli.
// Exits 1 when over budget.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { build } from "vite";

const KB = 1024;
const BUDGET = 200 * KB;
const root = fileURLToPath(new URL("../apps/dashboard/", import.meta.url));

await build({ configFile: `${root}vite.config.ts`, logLevel: "warn" });

type Chunk = { file: string; imports?: string[]; css?: string[]; isEntry?: boolean };
const manifest = JSON.parse(readFileSync(`${root}dist/.vite/manifest.json`, "utf8")) as Record<string, Chunk>;
const SHELL = ["index.html", "src/features/shell/app-shell.tsx", "src/features/agents/agents-page.tsx"];

const js = new Set<string>();
const css = new Set<string>();
const visit = (key: string) => {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`not in the manifest: ${key}`);
  if (js.has(chunk.file)) return;
  js.add(chunk.file);
  for (const c of chunk.css ?? []) css.add(c);
  for (const i of chunk.imports ?? []) visit(i);
};
for (const key of SHELL) visit(key);

type Row = { what: string; raw: number; gz: number; gz9: number; br: number };
const measure = (what: string, files: Iterable<string>): Row => {
  const row = { what, raw: 0, gz: 0, gz9: 0, br: 0 };
  for (const f of files) {
    const body = readFileSync(`${root}dist/${f}`);
    row.raw += body.length;
    row.gz += gzipSync(body, { level: 6 }).length;
    row.gz9 += gzipSync(body, { level: 9 }).length;
    row.br += brotliCompressSync(body).length;
  }
  return row;
};

const lazy = Object.values(manifest)
  .map((c) => c.file)
  .filter((f) => f.endsWith(".js") && !js.has(f));
const rows = [
  measure(`initial JS, signed-in shell (${js.size} files)`, js),
  measure(`stylesheet (${css.size} file)`, css),
  measure(`all other JS, lazy (${lazy.length} files)`, lazy),
];
const kb = (n: number) => `${(n / KB).toFixed(1)} KB`;
console.log("| what | raw | gzip -6 | gzip -9 | brotli |");
console.log("|---|---:|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.what} | ${kb(r.raw)} | ${kb(r.gz)} | ${kb(r.gz9)} | ${kb(r.br)} |`);
const initial = rows[0]!.gz;
console.log(
  initial > BUDGET
    ? `OVER BUDGET: initial JS ${kb(initial)} > 200 KB`
    : `within budget: initial JS ${kb(initial)} ≤ 200 KB gzipped`,
);
if (initial > BUDGET) process.exitCode = 1;
