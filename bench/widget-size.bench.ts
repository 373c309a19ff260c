// What the website widget costs a host page in bytes over the wire: gzipped size of the loader
// (widget.js, on every page view), of everything the first open of the panel loads (loader +
// panel; the panel's CSS is a string inside its script, there is no separate stylesheet), and,
// apart, of the socket.io-client chunk the panel fetches only once a conversation can be
// answered live. Budget (issue 5): loader ≤ 3 KB, first open ≤ 35 KB.
//
// Run: npm run bench:widget-size
// Builds the widget first (apps/widget/build.ts), exactly as `npm start` does. Sizes are gzip at
// level 6 (zlib's default, what most servers and CDNs send) and, for reference, level 9 and
// Brotli. Exits 1 when over budget.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { buildWidget } from "./widget-build.ts";

const KB = 1024;
const BUDGET = { loader: 3 * KB, firstOpen: 35 * KB };

const files = buildWidget();
type Row = { what: string; raw: number; gz: number; gz9: number; br: number };
const measure = (what: string, paths: string[]): Row => {
  const rows = paths.map((p) => {
    const body = readFileSync(p);
    return {
      raw: body.length,
      gz: gzipSync(body, { level: 6 }).length,
      gz9: gzipSync(body, { level: 9 }).length,
      br: brotliCompressSync(body).length,
    };
  });
  const sum = (k: "raw" | "gz" | "gz9" | "br") => rows.reduce((n, r) => n + r[k], 0);
  return { what, raw: sum("raw"), gz: sum("gz"), gz9: sum("gz9"), br: sum("br") };
};

const loader = measure(`loader (${basename(files.loader)})`, [files.loader]);
const panel = measure(`panel + CSS (${basename(files.panel)})`, [files.panel]);
const firstOpen = measure("first open (loader + panel)", [files.loader, files.panel]);
const socket = measure(`socket chunk, lazy (${basename(files.socket)})`, [files.socket]);
const live = measure("first open + socket chunk", [files.loader, files.panel, files.socket]);

const kb = (n: number) => `${(n / KB).toFixed(1)} KB`;
console.log("| what | raw | gzip -6 | gzip -9 | brotli |");
console.log("|---|---:|---:|---:|---:|");
for (const r of [loader, panel, firstOpen, socket, live]) {
  console.log(`| ${r.what} | ${kb(r.raw)} | ${r.gz} B (${kb(r.gz)}) | ${r.gz9} B | ${r.br} B |`);
}

const over: string[] = [];
if (loader.gz > BUDGET.loader) over.push(`loader ${loader.gz} B > ${BUDGET.loader} B`);
if (firstOpen.gz > BUDGET.firstOpen) over.push(`first open ${firstOpen.gz} B > ${BUDGET.firstOpen} B`);
console.log(
  over.length
    ? `OVER BUDGET: ${over.join("; ")}`
    : `within budget: loader ${kb(loader.gz)} ≤ 3 KB, first open ${kb(firstOpen.gz)} ≤ 35 KB ` +
        `(${kb(live.gz)} once the socket chunk is loaded too)`,
);
if (over.length) process.exitCode = 1;
