/**
 * A failure the person who added the source can act on ("the PDF is password-protected"), shown
 * as the source's error. Any other error is retried and, if it persists, reported generically.
 */
export class IngestError extends Error {}
