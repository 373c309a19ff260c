import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  createTestDatabase,
  createWorkspace,
  signUp,
  TEST_SECRET,
  type TestApp,
} from "../../../test/harness.ts";
import { agentActions, providerCredentials } from "../../db/schema/index.ts";
import { createKeyRing } from "../../platform/crypto.ts";
import type { Database } from "../../platform/db/client.ts";
import { actionHeadersContext } from "../agents/save-action.ts";
import { credentialContext } from "../providers/model-resolver.ts";
import { resealSecrets } from "./reseal-secrets.ts";

// After a SECRET_KEY rotation, `minichat reseal` moves stored secrets to the new key so the
// old one can be dropped.

const NEW_SECRET = "a-brand-new-secret-key-after-rotation-0123456789";
let database: Database;
let before: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  before = await createTestApp({ database, env: { ALLOW_PRIVATE_URLS: "127.0.0.1" } });
});
afterAll(async () => {
  await before?.close();
  await database?.close();
});

describe("reseal", () => {
  it("re-encrypts provider keys and action headers under the new key, once", async () => {
    const owner = await signUp(before.app);
    const ws = await createWorkspace(before.app, owner.bearer);
    const saved = await call(
      before.app,
      owner.bearer,
      "PUT",
      `/api/v1/workspaces/${ws.id}/providers/openai`,
      {
        apiKey: "sk-test-rotation-0123456789",
        skipCheck: true,
      },
    );
    expect(saved.statusCode).toBe(200);
    const agent = await call(before.app, owner.bearer, "POST", `/api/v1/workspaces/${ws.id}/agents`, {
      name: "A",
    });
    const action = await call(
      before.app,
      owner.bearer,
      "POST",
      `/api/v1/workspaces/${ws.id}/agents/${agent.json().id}/actions`,
      {
        name: "lookup",
        description: "Look up",
        url: "http://127.0.0.1:9/x",
        headers: { Authorization: "Bearer s3cret" },
      },
    );
    expect(action.statusCode).toBe(201);

    const rotated = createKeyRing(NEW_SECRET, [TEST_SECRET]);
    expect(await resealSecrets(database.db, rotated)).toEqual({ resealed: 2, checked: 2 });
    expect(await resealSecrets(database.db, rotated)).toEqual({ resealed: 0, checked: 2 });

    // Only the new key is needed now.
    const onlyNew = createKeyRing(NEW_SECRET);
    const [cred] = await database.db.select().from(providerCredentials);
    expect(onlyNew.open(cred!.apiKeySealed!, credentialContext(ws.id, "openai"))).toBe(
      "sk-test-rotation-0123456789",
    );
    const [act] = await database.db.select().from(agentActions);
    expect(JSON.parse(onlyNew.open(act!.headersSealed!, actionHeadersContext(act!.id)))).toEqual({
      Authorization: "Bearer s3cret",
    });
    expect(() =>
      createKeyRing(TEST_SECRET).open(cred!.apiKeySealed!, credentialContext(ws.id, "openai")),
    ).toThrow();
  });
});
