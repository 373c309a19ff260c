import type { TCreateSourceRequest } from "@minichat/contracts";
import { sha256Hex } from "../../platform/crypto.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Jobs } from "../../platform/jobs.ts";
import { assertOutboundUrl, type OutboundPolicy } from "../../platform/outbound.ts";
import { findAgent } from "../agents/agents.repo.ts";
import { detectFileKind } from "./detect-file-kind.ts";
import { INGEST_SOURCE_QUEUE, type IngestDeps, ingestSource } from "./ingest-source.ts";
import { findSourceByChecksum, insertSource, type SourceRow } from "./knowledge.repo.ts";
import { assertKnowledgeRoom } from "./knowledge-limit.ts";

export type AddSourceDeps = IngestDeps & { jobs: Jobs | undefined; outboundPolicy: OutboundPolicy };
type Who = { workspaceId: string; agentId: string; userId: string | null };
type Prepared = {
  type: string;
  name: string;
  input: Record<string, unknown>;
  checksum: string;
  size: number;
  file?: { filename: string; kind: string; content: Buffer };
};

/** Pasted text, Q&A pairs or a website: stored as queued and handed to ingestion. */
export async function addSource(
  deps: AddSourceDeps,
  who: Who,
  body: TCreateSourceRequest,
): Promise<SourceRow> {
  if (body.type === "url") {
    const url = await assertOutboundUrl(body.url, deps.outboundPolicy);
    url.hash = "";
    const maxPages = Math.min(
      body.maxPages ?? deps.config.knowledgeMaxCrawlPages,
      deps.config.knowledgeMaxCrawlPages,
    );
    const input = { url: url.href, mode: body.mode, maxPages: body.mode === "page" ? 1 : maxPages };
    // The size is what the pages turn out to hold; ingestion records it and checks the limit.
    return store(deps, who, {
      type: "url",
      name: body.name ?? `${url.host}${url.pathname === "/" ? "" : url.pathname}`,
      input,
      checksum: sha256Hex(JSON.stringify({ type: "url", ...input })),
      size: 0,
    });
  }
  const input =
    body.type === "text"
      ? { text: body.text }
      : { pairs: body.pairs.map((p) => ({ question: p.question.trim(), answer: p.answer.trim() })) };
  const canonical = JSON.stringify({ type: body.type, ...input });
  return store(deps, who, {
    type: body.type,
    name: body.name,
    input,
    checksum: sha256Hex(canonical),
    size: Buffer.byteLength(canonical),
  });
}

/** An uploaded file: its type is read from its content, then it is stored and queued. */
export async function addFileSource(
  deps: AddSourceDeps,
  who: Who,
  upload: { filename: string; content: Buffer; name?: string | undefined },
): Promise<SourceRow> {
  if (upload.content.length > deps.config.knowledgeMaxFileBytes) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `The file is larger than the ${formatBytes(deps.config.knowledgeMaxFileBytes)} limit`,
    );
  }
  const kind = detectFileKind(upload.content, upload.filename);
  const filename = upload.filename.trim() || `upload.${kind}`;
  return store(deps, who, {
    type: "file",
    name: upload.name?.trim() || filename,
    input: { filename, kind },
    checksum: sha256Hex(upload.content),
    size: upload.content.length,
    file: { filename, kind, content: upload.content },
  });
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

async function store(deps: AddSourceDeps, who: Who, src: Prepared): Promise<SourceRow> {
  if (!(await findAgent(deps.db, who.workspaceId, who.agentId))) throw notFound("Agent");
  const existing = await findSourceByChecksum(deps.db, who.workspaceId, who.agentId, src.checksum);
  if (existing) {
    throw new AppError("ALREADY_EXISTS", "This agent already has a source with exactly this content", {
      sourceId: existing.id,
    });
  }
  await assertKnowledgeRoom(deps.db, deps.config, who.workspaceId, src.size);
  const row = await insertSource(
    deps.db,
    {
      id: newId("src"),
      workspaceId: who.workspaceId,
      agentId: who.agentId,
      type: src.type,
      name: src.name.slice(0, 200),
      input: src.input,
      checksum: src.checksum,
      sizeBytes: src.size,
      createdBy: who.userId,
    },
    src.file,
  ).catch((err: unknown) => {
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
