export { type ApiKeyRow, findApiKeysByWorkspace as findApiKeys } from "./api-keys.repo.ts";
export { API_KEY_PREFIX, createApiKey } from "./create-api-key.ts";
export { revokeApiKey } from "./revoke-api-key.ts";
export { type ApiKeyCache, createApiKeyCache, verifyApiKey } from "./verify-api-key.ts";
