export * from "./admin.ts";
export * from "./agents.ts";
export * from "./api-keys.ts";
export * from "./common.ts";
export * from "./conversations.ts";
export * from "./knowledge.ts";
export * from "./providers.ts";
export * from "./workspaces.ts";
