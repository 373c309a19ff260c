export * from "./agents.ts";
export * from "./api-keys.ts";
export * from "./audit.ts";
export * from "./auth.ts";
export * from "./conversations.ts";
export * from "./email.ts";
export * from "./knowledge.ts";
export * from "./platform.ts";
