export * from "./admin.ts";
export * from "./api-keys.ts";
export * from "./common.ts";
export * from "./workspaces.ts";
