import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

// Builds the widget as `npm start` does (apps/widget/build.ts, in its own process: the benches
// are type-checked with the server, which does not see the widget's sources) and names its files.

const DIST = fileURLToPath(new URL("../apps/widget/dist/", import.meta.url));

export function buildWidget(): { loader: string; panel: string; socket: string } {
  execFileSync(process.execPath, [fileURLToPath(new URL("../apps/widget/build.ts", import.meta.url))], {
    stdio: "ignore",
  });
  const files = readdirSync(`${DIST}widget`);
  const find = (prefix: string) => {
    const f = files.find((x) => x.startsWith(`${prefix}.`) && x.endsWith(".js"));
    if (!f) throw new Error(`widget build: no ${prefix}.*.js in ${DIST}widget`);
    return `${DIST}widget/${f}`;
  };
  return { loader: `${DIST}widget.js`, panel: find("panel"), socket: find("socket") };
}
