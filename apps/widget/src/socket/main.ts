import { io } from "socket.io-client";

// The lazily loaded socket chunk: socket.io-client alone, handed to the panel that injected it
// (see panel/live.ts). Kept apart so visitors who never reach a live conversation never load it.
window.__minichatIo?.(io);
