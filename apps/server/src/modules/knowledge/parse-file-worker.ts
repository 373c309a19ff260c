import { parentPort, workerData } from "node:worker_threads";
import { IngestError } from "./ingest-error.ts";
import { readFileContent } from "./read-file-content.ts";

// Runs in a worker thread started by parseFile: one file, one answer, then the thread is ended.

export type ParseOutcome =
  | { ok: true; documents: Awaited<ReturnType<typeof readFileContent>> }
  | { ok: false; readable: boolean; message: string };

const { kind, filename, content } = workerData as { kind: string; filename: string; content: Uint8Array };
let outcome: ParseOutcome;
try {
  const buffer = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  outcome = { ok: true, documents: await readFileContent({ kind, filename, content: buffer }) };
} catch (err) {
  outcome = {
    ok: false,
    readable: err instanceof IngestError,
    message: err instanceof Error ? err.message : String(err),
  };
}
parentPort?.postMessage(outcome);
