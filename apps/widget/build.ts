import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// Builds the widget into dist/: the socket chunk, then the panel (told the chunk's name), then the
// loader (told the panel's name). Chunk and panel names carry a hash of their content, so they can
// be cached for a year; esbuild's iife output cannot split, hence one build per file. Run by `npm ci`
// (prepare), `npm start` and `npm test` through the root scripts; takes well under a second.

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = `${here}dist/`;

export type WidgetFiles = { loader: string; panel: string; socket: string };

const hashed = (prefix: string, code: Uint8Array) =>
  `${prefix}.${createHash("sha256").update(code).digest("hex").slice(0, 12)}.js`;

export async function buildWidget(): Promise<WidgetFiles> {
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
  const socket = await build({ ...common, entryPoints: [`${here}src/socket/main.ts`] });
  const socketCode = socket.outputFiles![0]!.contents;
  const socketFile = hashed("socket", socketCode);
  writeFileSync(`${dist}widget/${socketFile}`, socketCode);
  const panel = await build({
    ...common,
    entryPoints: [`${here}src/panel/main.tsx`],
    define: { __SOCKET_FILE__: JSON.stringify(socketFile) },
  });
  const panelCode = panel.outputFiles![0]!.contents;
  const panelFile = hashed("panel", panelCode);
  writeFileSync(`${dist}widget/${panelFile}`, panelCode);
  const loader = await build({
    ...common,
    entryPoints: [`${here}src/loader.ts`],
    define: { __PANEL_FILE__: JSON.stringify(panelFile) },
  });
  writeFileSync(`${dist}widget.js`, loader.outputFiles![0]!.contents);
  return {
    loader: `${dist}widget.js`,
    panel: `${dist}widget/${panelFile}`,
    socket: `${dist}widget/${socketFile}`,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildWidget();
  process.stdout.write(`widget built: ${out.loader}, ${out.panel}, ${out.socket}\n`);
}
