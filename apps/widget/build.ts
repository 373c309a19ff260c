import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// Builds the widget into dist/: the panel first (its name carries a hash of its content, so it
// can be cached for a year), then the loader, which is told that name. Run by `npm ci`
// (prepare), `npm start` and `npm test` through the root scripts; takes well under a second.

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = `${here}dist/`;

export async function buildWidget(): Promise<{ loader: string; panel: string }> {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(`${dist}widget`, { recursive: true });
  const common = {
    bundle: true,
    minify: true,
    format: "iife" as const,
    target: "es2020",
    write: false,
    legalComments: "none" as const,
    jsx: "automatic" as const,
    jsxImportSource: "preact",
  };
  const panel = await build({ ...common, entryPoints: [`${here}src/panel/main.tsx`] });
  const panelCode = panel.outputFiles![0]!.contents;
  const panelFile = `panel.${createHash("sha256").update(panelCode).digest("hex").slice(0, 12)}.js`;
  writeFileSync(`${dist}widget/${panelFile}`, panelCode);
  const loader = await build({
    ...common,
    entryPoints: [`${here}src/loader.ts`],
    define: { __PANEL_FILE__: JSON.stringify(panelFile) },
  });
  writeFileSync(`${dist}widget.js`, loader.outputFiles![0]!.contents);
  return { loader: `${dist}widget.js`, panel: `${dist}widget/${panelFile}` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildWidget();
  process.stdout.write(`widget built: ${out.loader}, ${out.panel}\n`);
}
