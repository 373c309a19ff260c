import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  createWorkspace,
  outboxFor,
  signUp,
  type TestApp,
  uniqueEmail,
} from "../../../test/harness.ts";
import { silentLogger } from "../../../test/silent-logger.ts";
import { closedPort, eventually, startSmtpServer, type TestSmtpServer } from "../../../test/smtp-server.ts";
import { createMailer } from "./index.ts";

// Emails as a user receives them: over real SMTP through the pg-boss job, or kept in the local
// outbox when no SMTP server is configured.

const BASE_URL = "http://localhost:3000";
const LIMITS = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" };

let smtp: TestSmtpServer;
let t: TestApp;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ jobs: true, env: { ...LIMITS, SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe("email over SMTP", () => {
  it("delivers the sign-up verification email through the job queue and marks it sent", async () => {
    const email = uniqueEmail("verify");
    const user = await signUp(t.app, { email, name: "Vera" });

    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    expect(mail.subject).toBe("Confirm your email for MiniChat");
    expect(mail.to).toBe(email);
    expect(mail.from).toContain("no-reply@minichat.local");
    expect(mail.text).toContain("Hi Vera");
    const link = mail.text.match(/http:\/\/localhost:3000\/api\/auth\/verify-email\?token=\S+/)?.[0];
    expect(link).toBeDefined();
    expect(mail.html).toContain("Confirm email");

    const sent = await eventually(async () =>
      (await outboxFor(t.database, email)).find((r) => r.status === "sent"),
    );
    expect(sent).toMatchObject({ transport: "smtp", template: "verify-email", locale: "en", error: null });
    expect(await outboxFor(t.database, email)).toHaveLength(1);

    // The link in the email really verifies the address.
    const before = await call(t.app, user.bearer, "GET", "/api/auth/get-session");
    expect(before.json().user.emailVerified).toBe(false);
    const url = new URL(link!);
    const verify = await t.app.inject({ method: "GET", url: `${url.pathname}${url.search}` });
    expect(verify.statusCode).toBeLessThan(400);
    const after = await call(t.app, user.bearer, "GET", "/api/auth/get-session");
    expect(after.json().user.emailVerified).toBe(true);
  });

  it.each([
    {
      locale: "ru",
      verifySubject: "Подтвердите email для MiniChat",
      subject: "Иван приглашает вас в Кофейня на MiniChat",
      action: "Принять приглашение",
    },
    {
      locale: "th",
      verifySubject: "ยืนยันอีเมลของคุณสำหรับ MiniChat",
      subject: "Иван เชิญคุณเข้าร่วม Кофейня บน MiniChat",
      action: "ตอบรับคำเชิญ",
    },
  ])("writes the invitation in the inviter's language ($locale)", async ({ locale, ...want }) => {
    const inviterEmail = uniqueEmail(`inviter-${locale}`);
    const inviter = await signUp(t.app, { email: inviterEmail, name: "Иван", locale });
    const own = await smtp.waitFor((m) => m.envelopeTo.includes(inviterEmail));
    expect(own.subject).toBe(want.verifySubject);

    const ws = await createWorkspace(t.app, inviter.bearer, "Кофейня");
    const to = uniqueEmail("invitee");
    const inv = await call(t.app, inviter.bearer, "POST", `/api/v1/workspaces/${ws.id}/invitations`, {
      email: to,
      role: "operator",
    });
    expect(inv.statusCode).toBe(201);

    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(to));
    expect(mail.subject).toBe(want.subject);
    expect(mail.text).toContain(want.action);
    expect(mail.text).toContain(`${BASE_URL}/invitations/${inv.json().id}`);
    expect(mail.html).toContain(`<html lang="${locale}">`);
    const row = await eventually(async () =>
      (await outboxFor(t.database, to)).find((r) => r.status === "sent"),
    );
    expect(row).toMatchObject({ template: "invitation", locale });
  });
});

describe("email without SMTP", () => {
  let plain: TestApp;
  beforeAll(async () => {
    plain = await createTestApp({ env: LIMITS });
  });
  afterAll(async () => plain?.close());

  it("keeps the email in the local outbox with status stored", async () => {
    const email = uniqueEmail("outbox");
    await signUp(plain.app, { email, name: "Otto" });
    const rows = await outboxFor(plain.database, email);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      to: email,
      subject: "Confirm your email for MiniChat",
      template: "verify-email",
      transport: "outbox",
      status: "stored",
      error: null,
    });
    expect(rows[0]!.text).toContain(`${BASE_URL}/api/auth/verify-email?token=`);
    expect(smtp.messages.some((m) => m.envelopeTo.includes(email))).toBe(false);
  });

  it("escapes HTML in names and workspace names", async () => {
    const email = uniqueEmail("xss");
    const evil = `<script>alert("x")</script>`;
    const u = await signUp(plain.app, { email, name: evil });
    const [verify] = await outboxFor(plain.database, email);
    expect(verify!.html).toContain("Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(verify!.html).not.toContain("<script");

    const ws = await createWorkspace(plain.app, u.bearer, `<img src=x onerror="alert(1)"> & Co`);
    const to = uniqueEmail("invitee");
    const inv = await call(plain.app, u.bearer, "POST", `/api/v1/workspaces/${ws.id}/invitations`, {
      email: to,
      role: "viewer",
    });
    expect(inv.statusCode).toBe(201);
    const [invitation] = await outboxFor(plain.database, to);
    expect(invitation!.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co");
    expect(invitation!.html).not.toContain("<img");
    expect(invitation!.html).not.toContain("<script");
  });
});

describe("email when the SMTP server is down", () => {
  let down: TestApp;
  beforeAll(async () => {
    const port = await closedPort();
    down = await createTestApp({ jobs: true, env: { ...LIMITS, SMTP_URL: `smtp://127.0.0.1:${port}` } });
  });
  afterAll(async () => down?.close());

  it("still completes the request and marks the email retrying, leaving the job to retry", async () => {
    const email = uniqueEmail("down");
    const res = await down.app.inject({
      method: "POST",
      url: "/api/auth/sign-up/email",
      payload: { email, password: "violet-harbor-lantern-42", name: "Dora" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe(email);

    const failed = await eventually(async () =>
      (await outboxFor(down.database, email)).find((r) => r.status === "retrying"),
    );
    expect(failed).toMatchObject({ transport: "smtp", template: "verify-email" });
    expect(failed!.error).toMatch(/ECONNREFUSED|connect/i);

    // pg-boss keeps the job and will try again later.
    const job = await eventually(async () => {
      const rows = await down.database.query<{ state: string; retry_limit: number }>(
        "SELECT state, retry_limit FROM pgboss.job WHERE name = 'email.send' AND data->>'id' = $1",
        [failed!.id],
      );
      return rows.find((r) => r.state === "retry");
    });
    expect(job).toMatchObject({ state: "retry", retry_limit: 8 });

    // The account is usable even though its email is stuck.
    const session = await down.app.inject({
      method: "POST",
      url: "/api/auth/sign-in/email",
      payload: { email, password: "violet-harbor-lantern-42" },
    });
    expect(session.statusCode).toBe(200);
  });
});

describe("final delivery failure", () => {
  it("marks the email failed once no retry is left", async () => {
    const port = await closedPort();
    // No job queue: the mailer delivers inline as a last attempt (the CLI path).
    const mailer = createMailer({
      db: t.database.db,
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: "MiniChat <no-reply@example.com>",
      config: t.config,
      logger: silentLogger,
    });
    const to = uniqueEmail("gone");
    await expect(
      mailer.send({
        to,
        template: "verify-email",
        locale: "en",
        vars: { name: "Gus", url: `${BASE_URL}/x` },
      }),
    ).rejects.toThrow();
    mailer.close();
    const [row] = await outboxFor(t.database, to);
    expect(row).toMatchObject({ status: "failed", transport: "smtp" });
    expect(row!.error).toMatch(/ECONNREFUSED|connect/i);
  });
});
