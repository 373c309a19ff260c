import { createHash } from "node:crypto";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { bearer, organization, twoFactor } from "better-auth/plugins";
import { count } from "drizzle-orm";
import {
  accounts,
  invitations,
  members,
  platformClaims,
  sessions,
  twoFactors,
  users,
  verifications,
  workspaces,
} from "../../db/schema/index.ts";
import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { type IdPrefix, newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/types.ts";
import type { Audit } from "../audit/index.ts";
import { type Mailer, toLocale } from "../email/index.ts";
import { ac, roles } from "../workspaces/roles.ts";
import {
  hashPassword,
  isCommonPassword,
  PASSWORD_MAX,
  PASSWORD_MIN,
  verifyPassword,
} from "./password-policy.ts";

const ID_PREFIX: Record<string, IdPrefix> = {
  user: "usr",
  session: "ses",
  account: "acc",
  verification: "ver",
  organization: "ws",
  member: "mem",
  invitation: "inv",
  twoFactor: "tfa",
};

/** Better Auth wants its own secret; derive one per SECRET_KEY so rotation keeps 2FA secrets readable. */
function authSecrets(config: Config) {
  const derive = (s: string) => createHash("sha256").update(`minichat:better-auth:${s}`).digest("base64url");
  const version = (s: string) =>
    Number.parseInt(createHash("sha256").update(s).digest("hex").slice(0, 7), 16);
  const all = [config.secretKey, ...config.previousSecretKeys];
  return {
    secret: derive(config.secretKey),
    secrets: all.map((s) => ({ version: version(s), value: derive(s) })),
  };
}

export type AuthDeps = {
  db: Db;
  config: Config;
  mailer: Mailer;
  audit: Audit;
  logger: Logger;
  /** false for accounts created already verified (the create-admin command). */
  verifyOnSignUp?: boolean;
};

export function createAuth({ db, config, mailer, audit, logger, verifyOnSignUp = true }: AuthDeps) {
  const { secret, secrets } = authSecrets(config);
  const secure = config.baseUrl.startsWith("https://");

  return betterAuth({
    appName: "MiniChat",
    baseURL: config.baseUrl,
    basePath: "/api/auth",
    secret,
    secrets,
    trustedOrigins: config.corsOrigins,
    telemetry: { enabled: false },
    // Fastify's rate limiter (Redis-backed when configured) covers /api/auth/*; see auth.route.ts.
    rateLimit: { enabled: false },
    logger: {
      log: (level, message, ...args) => {
        const fn = level === "error" ? logger.error : level === "warn" ? logger.warn : logger.debug;
        // An Error nested in `args` would be logged as {}; pino serializes it only under `err`.
        const err = args.find((a) => a instanceof Error);
        const rest = args.filter((a) => a !== err);
        fn.call(
          logger,
          { ...(err ? { err } : {}), args: rest.length ? rest : undefined, component: "better-auth" },
          message,
        );
      },
    },
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: {
        user: users,
        session: sessions,
        account: accounts,
        verification: verifications,
        organization: workspaces,
        member: members,
        invitation: invitations,
        twoFactor: twoFactors,
      },
    }),
    user: {
      additionalFields: {
        role: { type: "string", input: false, defaultValue: "user", required: false },
        locale: { type: "string", input: true, defaultValue: "en", required: false },
      },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 14,
      updateAge: 60 * 60 * 24,
    },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN,
      maxPasswordLength: PASSWORD_MAX,
      requireEmailVerification: config.requireEmailVerification,
      autoSignIn: true,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 3600,
      password: { hash: hashPassword, verify: verifyPassword },
      sendResetPassword: async ({ user, url }) => {
        await mailer.send({
          to: user.email,
          template: "reset-password",
          locale: toLocale((user as { locale?: string }).locale),
          vars: { name: user.name, url },
        });
      },
    },
    emailVerification: {
      sendOnSignUp: verifyOnSignUp,
      autoSignInAfterVerification: true,
      expiresIn: 60 * 60 * 24,
      sendVerificationEmail: async ({ user, url }) => {
        await mailer.send({
          to: user.email,
          template: "verify-email",
          locale: toLocale((user as { locale?: string }).locale),
          vars: { name: user.name, url },
        });
      },
      // Better Auth calls this only when an unverified address becomes verified (changing the
      // address is off), so the welcome goes out once per account.
      afterEmailVerification: async (user) => {
        await mailer.send({
          to: user.email,
          template: "welcome",
          locale: toLocale((user as { locale?: string }).locale),
          vars: { name: user.name, url: `${config.baseUrl}/` },
        });
      },
    },
    advanced: {
      useSecureCookies: secure,
      // Better Auth turns its Origin (CSRF) check off by default when the *process* looks like a
      // test run (NODE_ENV=test or TEST=true); keep it on whatever the environment says.
      disableOriginCheck: false,
      defaultCookieAttributes: { sameSite: "lax", httpOnly: true, secure },
      database: { generateId: ({ model }) => newId(ID_PREFIX[model] ?? "id") },
      ipAddress: { ipAddressHeaders: config.trustProxy ? ["x-forwarded-for"] : [] },
    },
    databaseHooks: {
      user: {
        create: {
          // On an empty installation the first account becomes the platform admin. The claim
          // row makes this atomic: of two sign-ups racing on an empty install, one wins.
          before: async (user) => {
            const [row] = await db.select({ n: count() }).from(users);
            if ((row?.n ?? 0) > 0) return { data: { ...user, role: "user" } };
            const claimed = await db
              .insert(platformClaims)
              .values({ key: "first-admin", value: user.email })
              .onConflictDoNothing()
              .returning();
            if (claimed.length === 0) return { data: { ...user, role: "user" } };
            logger.warn({ email: user.email }, "first account on this installation: granted platform admin");
            return { data: { ...user, role: "admin" } };
          },
          after: async (user) => {
            await audit({
              action: "auth.sign_up",
              actorUserId: user.id,
              targetType: "user",
              targetId: user.id,
            });
            if ((user as { role?: string }).role === "admin") {
              await audit({
                action: "admin.created",
                actorUserId: user.id,
                targetType: "user",
                targetId: user.id,
              });
            }
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        const body = ctx.body as { password?: unknown; newPassword?: unknown; locale?: unknown } | undefined;
        if (ctx.path === "/sign-up/email" || ctx.path === "/update-user") {
          if (body?.locale !== undefined && !["en", "th", "ru"].includes(String(body.locale))) {
            throw new APIError("BAD_REQUEST", {
              code: "INVALID_LOCALE",
              message: "locale must be one of en, th, ru",
            });
          }
        }
        if (["/sign-up/email", "/reset-password", "/change-password"].includes(ctx.path)) {
          const pw = body?.newPassword ?? body?.password;
          if (typeof pw === "string" && isCommonPassword(pw)) {
            throw new APIError("BAD_REQUEST", {
              code: "PASSWORD_TOO_COMMON",
              message: "This password is one of the most common ones and easy to guess; choose another",
            });
          }
        }
      }),
    },
    // Unexpected errors reach our error handler (logged through pino with the request id)
    // instead of Better Auth printing them to the console; API errors stay responses.
    onAPIError: { throw: true },
    plugins: [
      // twoFactor before bearer: plugin after-hooks run in this order, and a sign-in that still
      // needs its second factor must not hand out a set-auth-token (of an already deleted session).
      twoFactor({ issuer: "MiniChat", backupCodeOptions: { amount: 10, length: 10 } }),
      bearer(),
      organization({
        ac,
        roles,
        creatorRole: "owner",
        invitationExpiresIn: 48 * 3600,
        cancelPendingInvitationsOnReInvite: true,
        requireEmailVerificationOnInvitation: false,
        sendInvitationEmail: async ({ id, email, role, organization: ws, inviter }) => {
          await mailer.send({
            to: email,
            template: "invitation",
            locale: toLocale((inviter.user as { locale?: string }).locale),
            vars: {
              inviterName: inviter.user.name,
              workspaceName: ws.name,
              role,
              url: `${config.baseUrl}/invitations/${id}`,
            },
          });
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
