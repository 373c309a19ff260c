#!/usr/bin/env node
// Runs a command with a Node.js >= 22 first on PATH (see bootstrap.mjs), so `npm start`
// and `npm test` work even when the system Node is older.
import { spawn } from "node:child_process";
import { delimiter } from "node:path";
import { ensureNode } from "./bootstrap.mjs";

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  process.stderr.write("usage: with-node.mjs <command> [args...]\n");
  process.exit(2);
}
const bin = ensureNode();
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` };
const child = spawn(cmd, args, { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
