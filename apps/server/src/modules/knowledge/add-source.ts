import type { TCreateSourceRequest } from "@minichat/contracts";
import type { Config } from "../../platform/config.ts";
import { sha256Hex } from "../../platform/crypto.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Jobs } from "../../platform/jobs.ts";
import { findAgent } from "../agents/agents.repo.ts";
import { INGEST_SOURCE_QUEUE, type IngestDeps, ingestSource } from "./ingest-source.ts";
import { findSourceByChecksum, insertSource, type SourceRow } from "./knowledge.repo.ts";
import { assertKnowledgeRoom } from "./knowledge-limit.ts";

/** What identifies a source's content: the same text or pairs twice is a duplicate. */
function fingerprint(body: TCreateSourceRequest): {
  input: Record<string, unknown>;
  checksum: string;
  size: number;
} {
  const input =
    body.type === "text"
      ? { text: body.text }
      : { pairs: body.pairs.map((p) => ({ question: p.question.trim(), answer: p.answer.trim() })) };
  const canonical = JSON.stringify({ type: body.type, ...input });
  return { input, checksum: sha256Hex(canonical), size: Buffer.byteLength(canonical) };
}

/**
 * Stores a source as queued and hands it to the ingestion job (or ingests it at once when this
 * process runs no job workers, as in tests of the API alone).
 */
export async function addSource(
  deps: IngestDeps & { jobs: Jobs | undefined; config: Config },
  input: { workspaceId: string; agentId: string; userId: string | null; body: TCreateSourceRequest },
): Promise<SourceRow> {
  if (!(await findAgent(deps.db, input.workspaceId, input.agentId))) throw notFound("Agent");
  const { input: stored, checksum, size } = fingerprint(input.body);
  const existing = await findSourceByChecksum(deps.db, input.workspaceId, input.agentId, checksum);
  if (existing) {
    throw new AppError("ALREADY_EXISTS", "This agent already has a source with exactly this content", {
      sourceId: existing.id,
    });
  }
  await assertKnowledgeRoom(deps.db, deps.config, input.workspaceId, size);
  const row = await insertSource(deps.db, {
    id: newId("src"),
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    type: input.body.type,
    name: input.body.name,
    input: stored,
    checksum,
    sizeBytes: size,
    createdBy: input.userId,
  }).catch((err: unknown) => {
    // Two identical uploads at once: the unique index lets one through.
    if ((err as { code?: string; cause?: { code?: string } }).cause?.code === "23505") {
      throw new AppError("ALREADY_EXISTS", "This agent already has a source with exactly this content");
    }
    throw err;
  });
  await enqueueIngestion(deps, row);
  return row;
}

export async function enqueueIngestion(deps: IngestDeps & { jobs: Jobs | undefined }, row: SourceRow) {
  if (deps.jobs) {
    await deps.jobs.send(INGEST_SOURCE_QUEUE, { workspaceId: row.workspaceId, sourceId: row.id });
  } else {
    await ingestSource(deps, { workspaceId: row.workspaceId, sourceId: row.id }, { lastAttempt: true });
  }
}
