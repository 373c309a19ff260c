import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  expectError,
  outboxFor,
  signUp,
  TEST_SECRET,
  type TestApp,
  uniqueEmail,
} from "../../../test/harness.ts";
import {
  eventually,
  type ReceivedMail,
  startSmtpServer,
  type TestSmtpServer,
} from "../../../test/smtp-server.ts";
import { createPreferenceTokens } from "./preference-token.ts";

// Non-essential mail as a recipient meets it: the welcome after verifying, the preferences
// link in the footer, the page behind it, one-click unsubscribe from the mail provider, and
// the List-Unsubscribe headers over real SMTP. Essential mail keeps coming whatever was chosen.

const BASE_URL = "http://localhost:3000";
const LIMITS = { AUTH_RATE_LIMIT_MAX: "10000", RATE_LIMIT_MAX: "10000" };
const FORM = "application/x-www-form-urlencoded";

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

const mailsTo = (email: string) => smtp.messages.filter((m) => m.envelopeTo.includes(email));
const pathOf = (link: string) => {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
};
/** The parsed List-* headers (mailparser groups them under "list"), as JSON to search in. */
const listHeaders = (m: ReceivedMail) => JSON.stringify(m.headers.get("list") ?? null);
const checked = (html: string) =>
  [...html.matchAll(/<input type="checkbox" name="categories" value="(\w+)"( checked)?>/g)]
    .filter((x) => x[2])
    .map((x) => x[1]);
const hiddenToken = (html: string) => html.match(/name="token" value="([^"]+)"/)?.[1];

function sendQuotaAlert(to: string) {
  return t.app.ctx.mailer.send({
    to,
    template: "quota-alert",
    locale: "en",
    vars: { name: "Ann", workspaceName: "Acme", threshold: 80, used: 200, max: 250, url: `${BASE_URL}/b` },
  });
}

function postForm(url: string, body: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: "POST", url, headers: { "content-type": FORM, ...headers }, payload: body });
}

function expectHtml(res: LightMyRequestResponse, status: number) {
  expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^text\/html/);
  expect(String(res.headers["content-security-policy"])).toContain("script-src 'self'");
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.body).not.toContain("<script");
  return res.body;
}

describe("welcome email", () => {
  it("is sent once, in the user's language, after the address is verified", async () => {
    const email = uniqueEmail("welcome");
    await signUp(t.app, { email, name: "สมชาย", locale: "th" });
    const verify = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    expect(mailsTo(email).some((m) => m.subject === "ยินดีต้อนรับสู่ MiniChat")).toBe(false);
    const link = verify.text.match(/http:\/\/localhost:3000\/api\/auth\/verify-email\?token=\S+/)?.[0];

    const res = await t.app.inject({ method: "GET", url: pathOf(link!) });
    expect(res.statusCode).toBeLessThan(400);
    const welcome = await smtp.waitFor(
      (m) => m.envelopeTo.includes(email) && m.subject === "ยินดีต้อนรับสู่ MiniChat",
    );
    expect(welcome.text).toContain("สวัสดีคุณ สมชาย");
    expect(welcome.text).toContain(`เปิด MiniChat: ${BASE_URL}/`);
    expect(welcome.html).toContain('<html lang="th">');
    expect(welcome.text).toMatch(
      /ยกเลิกการรับหรือเลือกอีเมลที่ต้องการ: http:\/\/localhost:3000\/email\/preferences\?token=\S+&lang=th/,
    );

    // Opening the link again changes nothing and sends nothing.
    await t.app.inject({ method: "GET", url: pathOf(link!) });
    await eventually(async () =>
      (await outboxFor(t.database, email)).every((r) => r.status === "sent") ? true : undefined,
    );
    const rows = await outboxFor(t.database, email);
    expect(rows.filter((r) => r.template === "welcome")).toHaveLength(1);
  });
});

describe("List-Unsubscribe headers", () => {
  it("come with non-essential mail and never with essential mail", async () => {
    const email = uniqueEmail("headers");
    await signUp(t.app, { email });
    const verify = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    expect(listHeaders(verify)).toBe("null");

    await sendQuotaAlert(email);
    const alert = await smtp.waitFor((m) => m.envelopeTo.includes(email) && m.subject.includes("80%"));
    const token = createPreferenceTokens({ secretKey: TEST_SECRET }).sign(email);
    const oneClick = `${BASE_URL}/email/unsubscribe?token=${token}&category=usage`;
    expect(listHeaders(alert)).toContain(oneClick);
    expect(listHeaders(alert)).toContain("List-Unsubscribe=One-Click");

    // The header URL answers a one-click POST without any cookie or Origin.
    const res = await t.app.inject({
      method: "POST",
      url: pathOf(oneClick),
      headers: { "content-type": FORM },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ unsubscribed: true, category: "usage" });
    expect(await sendQuotaAlert(email)).toBeNull();
  });
});

describe("unsubscribing through the preferences page", () => {
  it("stops that category only; essential mail still arrives", async () => {
    const email = uniqueEmail("optout");
    await signUp(t.app, { email, name: "Olga" });
    await smtp.waitFor((m) => m.envelopeTo.includes(email));

    expect(await sendQuotaAlert(email)).toMatch(/^eml_/);
    const alert = await smtp.waitFor((m) => m.envelopeTo.includes(email) && m.subject.includes("80%"));
    const link = alert.text.match(/http:\/\/localhost:3000\/email\/preferences\?\S+/)?.[0];
    expect(link).toBeDefined();
    expect(alert.html).toContain(`href="${link!.replaceAll("&", "&amp;")}"`);

    const page = expectHtml(await t.app.inject({ method: "GET", url: pathOf(link!) }), 200);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain(`Choose which emails MiniChat sends to ${email}.`);
    expect(checked(page)).toEqual(["usage", "tips", "handoff"]);
    expect(page).toContain('<form method="post" action="/email/preferences">');

    // The browser posts the form from the page itself (same Origin), unticked boxes absent.
    const token = hiddenToken(page)!;
    const saved = expectHtml(
      await postForm(
        "/email/preferences",
        new URLSearchParams([
          ["token", token],
          ["lang", "en"],
          ["categories", "tips"],
          ["categories", "handoff"],
        ]).toString(),
        { origin: BASE_URL, referer: link! },
      ),
      200,
    );
    expect(saved).toContain("Saved. Your choice applies to the next emails.");
    expect(checked(saved)).toEqual(["tips", "handoff"]);
    // Reloading shows what was stored.
    expect(checked(await t.app.inject({ method: "GET", url: pathOf(link!) }).then((r) => r.body))).toEqual([
      "tips",
      "handoff",
    ]);

    const before = (await outboxFor(t.database, email)).length;
    expect(await sendQuotaAlert(email)).toBeNull();
    expect(await outboxFor(t.database, email)).toHaveLength(before);

    // Verification is essential: it is still sent.
    const signIn = await t.app.inject({
      method: "POST",
      url: "/api/auth/send-verification-email",
      payload: { email },
    });
    expect(signIn.statusCode).toBe(200);
    await eventually(() =>
      mailsTo(email).filter((m) => m.subject.startsWith("Confirm")).length === 2 ? 1 : 0,
    );
    expect(mailsTo(email).map((m) => m.subject)).toEqual([
      "Confirm your email for MiniChat",
      "Acme has used 80% of its AI replies",
      "Confirm your email for MiniChat",
    ]);

    // Ticking the box again brings the alerts back.
    await postForm("/email/preferences", `token=${encodeURIComponent(token)}&categories=usage`);
    expect(await sendQuotaAlert(email)).toMatch(/^eml_/);
  });

  it("speaks the language of ?lang=, else of Accept-Language", async () => {
    const token = createPreferenceTokens({ secretKey: TEST_SECRET }).sign(uniqueEmail("lang"));
    const q = `token=${encodeURIComponent(token)}`;
    const th = expectHtml(await t.app.inject({ method: "GET", url: `/email/preferences?${q}&lang=th` }), 200);
    expect(th).toContain('<html lang="th">');
    expect(th).toContain("ตั้งค่าการรับอีเมล");
    const ru = await t.app.inject({
      method: "GET",
      url: `/email/preferences?${q}`,
      headers: { "accept-language": "de-DE,ru;q=0.8,en;q=0.5" },
    });
    expect(ru.body).toContain('<html lang="ru">');
    expect(ru.body).toContain("Настройки писем");
    const fallback = await t.app.inject({
      method: "GET",
      url: `/email/preferences?${q}&lang=xx`,
      headers: { "accept-language": "fr" },
    });
    expect(fallback.body).toContain('<html lang="en">');
    // The header link opened in a browser shows the same page, changing nothing.
    const viaHeaderLink = await t.app.inject({
      method: "GET",
      url: `/email/unsubscribe?${q}&category=usage`,
      headers: { "accept-language": "th-TH" },
    });
    expect(expectHtml(viaHeaderLink, 200)).toContain("ตั้งค่าการรับอีเมล");
    expect(checked(viaHeaderLink.body)).toEqual(["usage", "tips", "handoff"]);
  });
});

describe("one-click unsubscribe", () => {
  it("accepts the provider's POST, url-encoded or multipart, and keeps other choices", async () => {
    const email = uniqueEmail("oneclick");
    const token = encodeURIComponent(createPreferenceTokens({ secretKey: TEST_SECRET }).sign(email));
    const a = await postForm(
      `/email/unsubscribe?token=${token}&category=handoff`,
      "List-Unsubscribe=One-Click",
    );
    expect(a.statusCode).toBe(200);
    const boundary = "----x";
    const b = await t.app.inject({
      method: "POST",
      url: `/email/unsubscribe?token=${token}&category=tips`,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(b.statusCode).toBe(200);
    // Twice is the same as once.
    expect(
      (await postForm(`/email/unsubscribe?token=${token}&category=tips`, "List-Unsubscribe=One-Click"))
        .statusCode,
    ).toBe(200);

    const page = await t.app.inject({ method: "GET", url: `/email/preferences?token=${token}` });
    expect(checked(page.body)).toEqual(["usage"]);
    const welcome = await t.app.ctx.mailer.send({
      to: email.toUpperCase(),
      template: "welcome",
      locale: "en",
      vars: { name: "Ann", url: `${BASE_URL}/` },
    });
    expect(welcome).toBeNull();
  });

  it("refuses an unknown category", async () => {
    const token = encodeURIComponent(
      createPreferenceTokens({ secretKey: TEST_SECRET }).sign(uniqueEmail("cat")),
    );
    const res = await postForm(
      `/email/unsubscribe?token=${token}&category=payments`,
      "List-Unsubscribe=One-Click",
    );
    expectError(res, 400, "VALIDATION_FAILED");
  });
});

describe("forged or broken tokens", () => {
  const victim = uniqueEmail("victim");
  const mine = createPreferenceTokens({ secretKey: TEST_SECRET }).sign(uniqueEmail("attacker"));
  const forged = [
    // Another address with my signature.
    `${Buffer.from(victim).toString("base64url")}.${mine.split(".")[1]}`,
    // Signed with a key the server does not have.
    createPreferenceTokens({ secretKey: "another-secret-key-0123456789-abcdefghijklmnop" }).sign(victim),
    // Cut off, or no signature at all.
    mine.slice(0, -3),
    Buffer.from(victim).toString("base64url"),
    "",
  ];

  it.each(forged.map((f, i) => [i, f] as const))("answer 400 INVALID_TOKEN (case %i)", async (_i, token) => {
    const q = `token=${encodeURIComponent(token)}`;
    expectError(
      await postForm(`/email/unsubscribe?${q}&category=usage`, "List-Unsubscribe=One-Click"),
      400,
      "INVALID_TOKEN",
    );

    const page = expectHtml(
      await t.app.inject({ method: "GET", url: `/email/preferences?${q}&lang=ru` }),
      400,
    );
    expect(page).toContain("Ссылка не работает");
    expect(page).toContain("INVALID_TOKEN");
    expect(page).not.toContain(victim);

    const form = expectHtml(await postForm("/email/preferences", `${q}&lang=en`), 400);
    expect(form).toContain("This link does not work");
  });

  it("leave the victim's preferences untouched", async () => {
    await postForm(`/email/unsubscribe?token=${encodeURIComponent(forged[0]!)}&category=usage`, "");
    await postForm("/email/preferences", `token=${encodeURIComponent(forged[1]!)}`);
    const rows = await t.database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM email_preferences WHERE email = $1",
      [victim],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("answer 400 INVALID_TOKEN when the token is missing", async () => {
    expectError(await postForm("/email/unsubscribe?category=usage", ""), 400, "INVALID_TOKEN");
    expectHtml(await t.app.inject({ method: "GET", url: "/email/preferences" }), 400);
  });
});

describe("form bodies elsewhere", () => {
  it("are still refused outside these routes", async () => {
    const u = await signUp(t.app);
    const res = await call(t.app, u.bearer, "POST", "/api/v1/workspaces", "name=Acme", {
      "content-type": FORM,
    });
    expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});
