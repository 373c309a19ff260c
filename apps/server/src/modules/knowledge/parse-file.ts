import { Worker } from "node:worker_threads";
import type { SourceDocument } from "./extract-source.ts";
import { IngestError } from "./ingest-error.ts";
import type { ParseOutcome } from "./parse-file-worker.ts";
import type { UploadedFile } from "./read-file-content.ts";

export type ParseLimits = { timeoutMs: number; maxMemoryMb: number };

const MB = 1024 * 1024;

/**
 * Room for one file: a 10 MB upload gets 90 s and a 736 MB heap. A 1,000-page text PDF (11 MB)
 * reads in about 2 s within a 64 MB heap: only a damaged or hostile file comes near the limits.
 */
export function parseLimitsFor(bytes: number): ParseLimits {
  const mb = bytes / MB;
  return { timeoutMs: Math.round(30_000 + 6_000 * mb), maxMemoryMb: Math.round(256 + 48 * mb) };
}

/**
 * An uploaded file → documents, read in a worker thread of its own. The PDF and Word parsers
 * work on content from strangers: a crafted file that loops, recurses or inflates (a ZIP bomb
 * inside a .docx) ends that thread — by the time limit or its heap cap — never the server, and
 * becomes a failed source with a reason.
 */
export function parseFile(
  file: UploadedFile,
  limits: ParseLimits = parseLimitsFor(file.content.length),
): Promise<SourceDocument[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./parse-file-worker.ts", import.meta.url), {
      workerData: { kind: file.kind, filename: file.filename, content: new Uint8Array(file.content) },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb },
    });
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      settle();
      void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new IngestError(
              `Reading this file took longer than ${Math.ceil(limits.timeoutMs / 1000)} seconds; it may be damaged or unusually complex. Try saving it again, or splitting it`,
            ),
          ),
        ),
      limits.timeoutMs,
    );
    worker.once("message", (outcome: ParseOutcome) =>
      finish(() => {
        if (outcome.ok) resolve(outcome.documents);
        else reject(outcome.readable ? new IngestError(outcome.message) : new Error(outcome.message));
      }),
    );
    worker.once("error", (err: Error & { code?: string }) =>
      finish(() =>
        reject(
          err.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? new IngestError(
                "Reading this file needs more memory than allowed; it may be damaged or a compressed bomb. Try saving it again, or splitting it",
              )
            : err,
        ),
      ),
    );
    // Exiting without an answer (process.exit inside a parser): not the file's fault, so retried.
    worker.once("exit", (code) =>
      finish(() => reject(new Error(`The file reader stopped without an answer (exit code ${code})`))),
    );
  });
}
