import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

// The real `minichat` CLI, spawned with this Node in a temporary DATA_DIR (embedded mode). The
// environment is built from scratch: nothing (DATABASE_URL, REDIS_URL, ...) is inherited.

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const CLI_TIMEOUT = 120_000;
const dataDirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});

function newDataDir() {
  const dir = mkdtempSync(join(tmpdir(), "minichat-cli-"));
  dataDirs.push(dir);
  return dir;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Run = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
};

function spawnCli(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function runCli(args: string[], env: Record<string, string>) {
  const run = spawnCli(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

const logLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("minichat start", () => {
  it(
    "starts in embedded mode, serves, finishes an in-flight request on SIGTERM and exits 0",
    async () => {
      const dataDir = newDataDir();
      const port = await freePort();
      const env = { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" };
      const run = spawnCli(["start"], env);

      await vi.waitFor(
        () => expect(run.stdout()).toContain(`MiniChat is running at http://localhost:${port}`),
        {
          timeout: 60_000,
          interval: 200,
        },
      );
      const startLine = logLines(run.stdout()).find((l) => l.mode !== undefined);
      expect(startLine).toMatchObject({
        mode: "embedded",
        database: `PGlite at ${join(dataDir, "pg")}`,
        queue: "pg-boss on PGlite (schema pgboss)",
      });
      expect(statSync(join(dataDir, "secret.key")).mode & 0o777).toBe(0o600);

      const base = `http://127.0.0.1:${port}`;
      const health = await vi.waitFor(
        async () => {
          const res = await fetch(`${base}/healthz`);
          expect(res.status).toBe(200);
          return res.json();
        },
        { timeout: 60_000, interval: 250 },
      );
      expect(health).toEqual({ status: "ok" });
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready", database: "pglite" });

      // A second process must not open the same embedded database files while the server runs.
      const clash = await runCli(["outbox"], { DATA_DIR: dataDir });
      expect(clash.code).toBe(1);
      expect(clash.stderr.trim().split("\n")).toHaveLength(1);
      expect(clash.stderr).toMatch(/in use by another MiniChat process \(pid \d+\)/);

      // A request whose body is still arriving when SIGTERM comes in.
      const body = JSON.stringify({ name: "Late request" });
      const req = request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/v1/workspaces",
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
      });
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on("error", reject);
        req.on("response", (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (d: string) => {
            text += d;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
      });
      req.write(body.slice(0, 5));
      await vi.waitFor(
        () =>
          expect(
            logLines(run.stdout()).some(
              (l) =>
                l.msg === "incoming request" && (l.req as { url?: string })?.url === "/api/v1/workspaces",
            ),
          ).toBe(true),
        { timeout: 30_000, interval: 100 },
      );

      run.child.kill("SIGTERM");
      await vi.waitFor(() => expect(run.stdout()).toContain("shutting down"), { timeout: 30_000 });
      // New connections are refused while the in-flight request is still open...
      await vi.waitFor(
        async () => expect(await fetch(`${base}/healthz`).catch(() => "refused")).toBe("refused"),
        {
          timeout: 30_000,
          interval: 100,
        },
      );
      // ...and that request is still answered (401: it carries no credentials).
      req.end(body.slice(5));
      const answered = await response;
      expect(answered.status).toBe(401);
      expect(JSON.parse(answered.body).error.code).toBe("UNAUTHENTICATED");

      expect(await run.exited).toBe(0);
      const lines = logLines(run.stdout());
      expect(lines.some((l) => l.msg === "stopped cleanly")).toBe(true);
      expect(
        lines.find((l) => l.msg === "shutting down: no new requests, finishing in-flight requests and jobs"),
      ).toMatchObject({ signal: "SIGTERM" });
      expect(run.stderr()).toBe("");
    },
    CLI_TIMEOUT,
  );

  it("exits 1 with a single stderr line naming the variable when the environment is invalid", {
    timeout: CLI_TIMEOUT,
  }, async () => {
    for (const [name, value] of [
      ["PORT", "abc"],
      ["DATABASE_URL", "mysql://x"],
    ] as const) {
      const { code, stdout, stderr } = await runCli(["start"], { DATA_DIR: newDataDir(), [name]: value });
      expect(code).toBe(1);
      expect(stdout).toBe("");
      const lines = stderr.split("\n").filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^minichat: Invalid environment variable ${name}: `));
    }
    const missing = await runCli(["migrate"], { DATABASE_URL: "postgres://db.invalid/minichat" });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toContain("SECRET_KEY");
  });
});

describe("minichat commands", () => {
  const dataDir = newDataDir();
  const env = { DATA_DIR: dataDir, LOG_LEVEL: "info" };

  it(
    "migrate applies migrations and exits 0 (and again, idempotently)",
    async () => {
      for (let i = 0; i < 2; i++) {
        const { code, stdout, stderr } = await runCli(["migrate"], env);
        expect(stderr).toBe("");
        expect(code).toBe(0);
        expect(logLines(stdout)).toContainEqual(
          expect.objectContaining({
            msg: "migrations applied",
            database: `PGlite at ${join(dataDir, "pg")}`,
          }),
        );
      }
    },
    CLI_TIMEOUT,
  );

  it(
    "outbox reports an empty outbox",
    async () => {
      const { code, stdout } = await runCli(["outbox"], env);
      expect(code).toBe(0);
      expect(stdout).toContain("The outbox is empty.");
    },
    CLI_TIMEOUT,
  );

  it(
    "reseal reports how many stored secrets it re-encrypted",
    async () => {
      const { code, stdout } = await runCli(["reseal"], env);
      expect(code).toBe(0);
      expect(stdout).toContain("Re-sealed 0 of 0 stored secrets under the current SECRET_KEY.");
    },
    CLI_TIMEOUT,
  );

  it(
    "create-admin creates an account with a generated password, then promotes idempotently",
    async () => {
      const created = await runCli(["create-admin", "--email", "Admin@Example.com"], env);
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);
      const match = created.stdout.match(/Created platform admin admin@example\.com with password: (\S+)/);
      expect(match?.[1]?.length).toBeGreaterThanOrEqual(12);
      // The password is printed once on stdout and never logged.
      expect(logLines(created.stdout).some((l) => JSON.stringify(l).includes(match![1]!))).toBe(false);

      const again = await runCli(["create-admin", "--email", "admin@example.com"], env);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("admin@example.com is now a platform admin");
      expect(again.stdout).not.toContain("password");

      const outbox = await runCli(["outbox", "--to", "admin@example.com", "--limit", "5"], env);
      expect(outbox.code).toBe(0);
      expect(outbox.stdout).toMatch(/The outbox is empty\.|to admin@example\.com/);
    },
    CLI_TIMEOUT,
  );

  it(
    "create-admin with an invalid email exits 1 with a one-line error",
    async () => {
      const { code, stderr } = await runCli(["create-admin", "--email", "not-an-email"], env);
      expect(code).toBe(1);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(/^minichat create-admin: .*email/i);
    },
    CLI_TIMEOUT,
  );

  it(
    "usage errors exit 2 with one line on stderr",
    async () => {
      // None of these reach the database, so they can run side by side.
      const [noEmail, missingValue, unknownOption, missingLimit, unknown, none, help] = await Promise.all(
        [
          ["create-admin"],
          ["create-admin", "--email"],
          ["create-admin", "--nope", "x"],
          ["outbox", "--limit"],
          ["frobnicate"],
          [],
          ["help"],
        ].map((args) => runCli(args, env)),
      );
      expect(noEmail!.code).toBe(2);
      expect(noEmail!.stderr).toBe("minichat create-admin: --email is required\n");

      for (const res of [missingValue!, unknownOption!, missingLimit!]) {
        expect(res.code).toBe(2);
        expect(res.stderr.trim().split("\n")).toHaveLength(1);
        expect(res.stderr).toMatch(/^minichat: .*(--email|--nope|--limit)/);
        expect(res.stderr).not.toMatch(/\bat \S+ \(/);
      }

      expect(unknown!.code).toBe(2);
      expect(unknown!.stderr).toMatch(/^minichat: unknown command "frobnicate"\n/);
      expect(unknown!.stderr).toContain("Usage: minichat <command>");

      expect(none!.code).toBe(2);
      expect(none!.stdout).toContain("Usage: minichat <command>");
      expect(help!.code).toBe(0);
      expect(help!.stdout).toContain("create-admin --email E");
    },
    CLI_TIMEOUT,
  );
});
