import type { TSource } from "@minichat/contracts";
import { ApiError } from "../../lib/api.ts";

// Files go up with XMLHttpRequest, not fetch: only XHR reports upload progress. The server reads
// a file's type from its content, so the extension check here is a hint for the picker, and the
// size check saves uploading something that would be refused anyway.

/** What the server can read (docs/en/knowledge.md), for the file picker's `accept`. */
export const ACCEPTED_EXTENSIONS = [
  ".pdf",
  ".docx",
  ".txt",
  ".md",
  ".markdown",
  ".csv",
  ".tsv",
  ".html",
  ".htm",
] as const;

export type FileProblem = { code: "EMPTY" } | { code: "TOO_LARGE"; maxBytes: number };

/** Why a file cannot be uploaded, known before sending it; null when it may go. */
export function checkFile(file: { size: number }, maxFileBytes: number): FileProblem | null {
  if (file.size === 0) return { code: "EMPTY" };
  if (file.size > maxFileBytes) return { code: "TOO_LARGE", maxBytes: maxFileBytes };
  return null;
}

/**
 * Bytes in kB or MB, whichever keeps the number readable: 0.1 kB, 12 kB, 3.4 MB. (Intl's short
 * "byte" unit reads "99 byte" in English, so small sizes are tenths of a kB instead.)
 */
export function byteUnit(n: number): { value: number; unit: "kilobyte" | "megabyte" } {
  if (n >= 1024 * 1024) return { value: Math.round((n / (1024 * 1024)) * 10) / 10, unit: "megabyte" };
  if (n >= 10 * 1024) return { value: Math.round(n / 1024), unit: "kilobyte" };
  return { value: Math.max(0.1, Math.round((n / 1024) * 10) / 10), unit: "kilobyte" };
}

export function formatBytes(lang: string, n: number): string {
  const { value, unit } = byteUnit(n);
  return new Intl.NumberFormat(lang, { style: "unit", unit, unitDisplay: "short" }).format(value);
}

/** The server's error answer (`{ error: { code, message, details } }`) as an ApiError. */
export function uploadError(status: number, body: string): ApiError {
  try {
    const json = JSON.parse(body) as { error?: { code: string; message: string; details?: unknown } };
    if (json.error) return new ApiError(status, json.error.code, json.error.message, json.error.details);
  } catch {
    // not JSON
  }
  if (status === 0) return new ApiError(0, "NETWORK", "The upload was interrupted");
  if (status === 413) return new ApiError(413, "PAYLOAD_TOO_LARGE", "The file is too large");
  return new ApiError(status, status >= 500 ? "INTERNAL" : "ERROR", "The upload failed");
}

/** Uploads one file as a new source, reporting the share sent (0..1) as it goes. */
export function uploadFile(
  url: string,
  file: File,
  onProgress: (sent: number) => void,
  signal?: AbortSignal,
): Promise<TSource> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as TSource);
      } else {
        reject(uploadError(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () => reject(uploadError(0, ""));
    xhr.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
