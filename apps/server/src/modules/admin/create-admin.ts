import { eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { randomToken } from "../../platform/ids.ts";
import type { Logger } from "../../platform/types.ts";
import type { Audit } from "../audit/index.ts";
import { callAuth } from "../auth/call-auth.ts";
import { createAuth } from "../auth/create-auth.ts";
import { createMailer } from "../email/index.ts";

/** `minichat create-admin`: promote an existing account or create a new admin account. */
export async function createAdmin(input: {
  config: Config;
  db: Db;
  email: string;
  name?: string | undefined;
  password?: string | undefined;
  logger: Logger;
  audit: Audit;
}): Promise<{ email: string; created: boolean; generatedPassword?: string }> {
  const email = input.email.trim().toLowerCase();
  const [existing] = await input.db.select().from(users).where(eq(users.email, email));
  if (existing) {
    await input.db.update(users).set({ role: "admin" }).where(eq(users.id, existing.id));
    await input.audit({
      action: "admin.created",
      targetType: "user",
      targetId: existing.id,
      metadata: { via: "cli" },
    });
    return { email, created: false };
  }
  const password = input.password ?? `${randomToken(6)}-${randomToken(6)}-${randomToken(6)}`;
  const mailer = createMailer({
    db: input.db,
    smtpUrl: undefined,
    from: input.config.emailFrom,
    config: input.config,
    logger: input.logger,
  });
  const auth = createAuth({
    db: input.db,
    config: input.config,
    mailer,
    audit: input.audit,
    logger: input.logger,
  });
  const res = await callAuth(() =>
    auth.api.signUpEmail({ body: { email, password, name: input.name ?? email.split("@")[0]! } }),
  );
  await input.db.update(users).set({ role: "admin", emailVerified: true }).where(eq(users.id, res.user.id));
  await input.audit({
    action: "admin.created",
    targetType: "user",
    targetId: res.user.id,
    metadata: { via: "cli" },
  });
  return { email, created: true, ...(input.password ? {} : { generatedPassword: password }) };
}
