import { PgBoss } from "pg-boss";
import { afterAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  createTestDatabase,
  createWorkspace,
  type SignedUp,
  signUp,
  silentLogger,
  type TestApp,
} from "../../../test/harness.ts";
import { eventually } from "../../../test/smtp-server.ts";
import type { Database } from "../../platform/db/client.ts";
import { INGEST_SOURCE_QUEUE } from "./ingest-source.ts";
import { setSourceStatus } from "./knowledge.repo.ts";
import { recoverStrandedSources } from "./recover-ingestion.ts";

// A worker that dies mid-ingestion, or a process that dies between storing a source and
// queueing it, must never leave a source stuck in "processing": another worker picks it up.

const RATE = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" };
const opened: TestApp[] = [];
afterAll(async () => {
  for (const t of opened.reverse()) await t.close();
});

async function ownerWithAgent(t: TestApp) {
  const u: SignedUp = await signUp(t.app);
  const ws = await createWorkspace(t.app, u.bearer);
  const agent = await call(t.app, u.bearer, "POST", `/api/v1/workspaces/${ws.id}/agents`, { name: "Mia" });
  expect(agent.statusCode, agent.body).toBe(201);
  return { u, wsId: ws.id as string, agentId: agent.json().id as string };
}

// Supervised by hand, and a queue may be supervised again after a second (default: a minute).
const MANUAL = { supervise: false, superviseIntervalSeconds: 1, monitorIntervalSeconds: 1 };

/** pg-boss on the same database, as another process would open it. */
function rawBoss(database: Database): PgBoss {
  return database.kind === "pglite"
    ? new PgBoss({ db: database.jobsAdapter!, backend: "pglite", schema: "pgboss", ...MANUAL })
    : new PgBoss({
        connectionString: (database as Database & { url: string }).url,
        schema: "pgboss",
        max: 2,
        ...MANUAL,
      });
}

const TEXT = { type: "text", name: "Hours", text: "We open every day from eight in the morning until six." };

describe("restart during ingestion", () => {
  it("a job whose worker died while processing is retried by the next worker and the source becomes ready", async () => {
    const database = await createTestDatabase();
    // Node A accepts the upload but runs no workers; its source waits as a queued job.
    const nodeA = await createTestApp({
      database,
      env: RATE,
      jobs: true,
      workers: { work: false, ingestHeartbeatSeconds: 10 },
    });
    const { u, wsId, agentId } = await ownerWithAgent(nodeA);
    const added = await call(
      nodeA.app,
      u.bearer,
      "POST",
      `/api/v1/workspaces/${wsId}/agents/${agentId}/sources`,
      TEXT,
    );
    expect(added.statusCode, added.body).toBe(202);
    const sourceId = added.json().id as string;

    // A worker claims the job and marks the source processing — then its process dies: it never
    // completes the job and sends no more heartbeats.
    const doomed = rawBoss(database);
    await doomed.start();
    const [claimed] = await doomed.fetch(INGEST_SOURCE_QUEUE);
    expect(claimed?.data).toMatchObject({ sourceId });
    await setSourceStatus(database.db, wsId, sourceId, { status: "processing" });
    await doomed.stop({ graceful: false, close: false });
    await nodeA.close();

    // Node B starts with workers. pg-boss's supervisor (every minute in production; driven by hand
    // here so the test does not wait for it) sees the job's heartbeat stop and retries it.
    const nodeB = await createTestApp({ database, env: RATE, jobs: true });
    opened.push(nodeB);
    const supervisor = rawBoss(database);
    await supervisor.start();
    const url = `/api/v1/workspaces/${wsId}/agents/${agentId}/sources/${sourceId}`;
    const ready = await eventually(async () => {
      await supervisor.supervise();
      const res = await call(nodeB.app, u.bearer, "GET", url);
      return res.json().status === "ready" ? res.json() : undefined;
    }, 120_000);
    await supervisor.stop({ graceful: false, close: false });
    expect(ready).toMatchObject({ status: "ready", chunkCount: 1, error: null });
  }, 180_000);

  it("a source left without any job (the process died before queueing it) is queued again by the sweep", async () => {
    const database = await createTestDatabase();
    const t = await createTestApp({ database, env: RATE, jobs: true });
    opened.push(t);
    const { u, wsId, agentId } = await ownerWithAgent(t);
    const added = await call(
      t.app,
      u.bearer,
      "POST",
      `/api/v1/workspaces/${wsId}/agents/${agentId}/sources`,
      TEXT,
    );
    const sourceId = added.json().id as string;
    const url = `/api/v1/workspaces/${wsId}/agents/${agentId}/sources/${sourceId}`;
    expect(
      await eventually(async () => (await call(t.app, u.bearer, "GET", url)).json().status === "ready"),
    ).toBe(true);
    // Strand it: "processing", with its job long finished.
    await setSourceStatus(database.db, wsId, sourceId, { status: "processing" });

    // The sweep leaves fresh work alone (a source that just started is not stranded)…
    expect(await recoverStrandedSources({ db: database.db, jobs: t.jobs!, logger: silentLogger })).toBe(0);
    // …and re-queues it once it has been quiet for longer than any ingestion takes.
    const later = new Date(Date.now() + 10 * 60_000);
    expect(
      await recoverStrandedSources({ db: database.db, jobs: t.jobs!, logger: silentLogger }, later),
    ).toBe(1);
    // While that job is pending or running (or once it is done) a second sweep adds nothing.
    expect(
      await recoverStrandedSources({ db: database.db, jobs: t.jobs!, logger: silentLogger }, later),
    ).toBe(0);
    expect(
      await eventually(async () => (await call(t.app, u.bearer, "GET", url)).json().status === "ready"),
    ).toBe(true);
  });
});
