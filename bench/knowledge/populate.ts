// Fills the knowledge base with many sources for the search benchmark, fast: each source is
// chunked and indexed exactly as the ingestion job does it (blocksFromText / Q&A records →
// chunkBlocks → ftsConfigFor + ftsDocument) and stored with the repository's own insertSource and
// replaceChunks, so the rows are the ones ingestion writes — only the job queue is skipped.

import {
  type Block,
  blocksFromText,
  chunkBlocks,
} from "../../apps/server/src/modules/knowledge/chunk-text.ts";
import { ftsConfigFor, ftsDocument } from "../../apps/server/src/modules/knowledge/fts-text.ts";
import {
  insertSource,
  type NewChunk,
  replaceChunks,
} from "../../apps/server/src/modules/knowledge/knowledge.repo.ts";
import { sha256Hex } from "../../apps/server/src/platform/crypto.ts";
import type { Db } from "../../apps/server/src/platform/db/client.ts";
import { newId } from "../../apps/server/src/platform/ids.ts";
import { type Lang, makeArticle, makeQaPairs, rng } from "./corpus.ts";

export type Tenant = {
  workspaceId: string;
  agentId: string;
  /** Share of all chunks this agent holds. */
  share: number;
  /** The languages its sources are written in (picked in turn). */
  langs: Lang[];
  chunks: number;
  sources: number;
};

/** Rows as ingest-source.ts builds them. */
function chunkRows(blocks: Block[]): NewChunk[] {
  return chunkBlocks(blocks).map((c, i) => ({
    id: newId("chk"),
    position: i,
    headingPath: c.headingPath,
    location: null,
    content: c.content,
    ftsConfig: ftsConfigFor(c.content),
    document: ftsDocument([...c.headingPath, c.content].join("\n")),
    tokens: c.tokens,
  }));
}

let seedCounter = 1;

/** One new source (an article, or one in seven a FAQ of Q&A pairs) for the tenant, indexed. */
async function addSource(db: Db, t: Tenant): Promise<number> {
  const seed = seedCounter++;
  const r = rng(seed);
  const lang = t.langs[t.sources % t.langs.length]!;
  const qa = r() < 1 / 7;
  let input: Record<string, unknown>;
  let rows: NewChunk[];
  let name: string;
  if (qa) {
    const pairs = makeQaPairs(lang, 10 + Math.floor(r() * 40), seed);
    input = { pairs };
    name = `FAQ ${seed}`;
    rows = chunkRows(pairs.map((p) => ({ kind: "record", text: `Q: ${p.question}\nA: ${p.answer}` })));
  } else {
    // 2–40 KB articles: a few passages to a few dozen.
    const text = makeArticle(lang, 2_000 + Math.floor(r() * r() * 38_000), seed);
    input = { text };
    name = text.slice(2, text.indexOf("\n")).slice(0, 200);
    rows = chunkRows(blocksFromText(text));
  }
  const canonical = JSON.stringify({ type: qa ? "qa" : "text", ...input });
  const source = await insertSource(db, {
    id: newId("src"),
    workspaceId: t.workspaceId,
    agentId: t.agentId,
    type: qa ? "qa" : "text",
    name,
    input,
    checksum: sha256Hex(canonical),
    sizeBytes: Buffer.byteLength(canonical),
  });
  await replaceChunks(db, source, rows);
  t.chunks += rows.length;
  t.sources++;
  return rows.length;
}

/**
 * Adds sources until the tenants hold `total` chunks between them, each its share; `parallel`
 * sources are in flight at once (PostgreSQL indexes on another core meanwhile).
 */
export async function populate(
  db: Db,
  tenants: Tenant[],
  total: number,
  opts: { parallel: number; progress: (done: number, total: number) => void },
): Promise<void> {
  const behind = () => tenants.filter((t) => t.chunks < t.share * total);
  let done = tenants.reduce((n, t) => n + t.chunks, 0);
  let lastReport = done;
  let next = 0;
  async function lane() {
    for (;;) {
      const open = behind();
      if (open.length === 0) return;
      const t = open[next++ % open.length]!;
      const added = await addSource(db, t);
      done += added;
      if (done - lastReport >= 5_000) {
        lastReport = done;
        opts.progress(done, total);
      }
    }
  }
  await Promise.all(Array.from({ length: opts.parallel }, lane));
}
