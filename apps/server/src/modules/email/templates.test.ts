import { describe, expect, it } from "vitest";
import { formatDate, formatDays, formatMoney } from "./format.ts";
import {
  categoryOf,
  LOCALES,
  type Locale,
  renderEmail,
  type SubscriptionChange,
  type TemplateName,
  type TemplateVars,
} from "./templates.ts";

// Every template as a reader gets it, in each language: a subject, both parts, the links, and
// HTML where nothing a user typed can become markup.

const EVIL = `<b onclick="x">Tom</b> & 'Jerry'`;
const ESCAPED = "&lt;b onclick=&quot;x&quot;&gt;Tom&lt;/b&gt; &amp; &#39;Jerry&#39;";
const URL_ = "https://chat.example.com/workspaces/ws_1/billing?a=1&b=2";
const RECEIPT = "https://pay.example.com/receipts/r_1";
const DATE = new Date("2025-08-01T03:00:00Z");

type Case = { [K in TemplateName]: { name: K; vars: TemplateVars[K]; label: string } }[TemplateName];

const changes: SubscriptionChange[] = [
  "started",
  "upgraded",
  "downgrade-scheduled",
  "downgraded",
  "cancel-scheduled",
  "canceled",
  "resumed",
];

const cases: Case[] = [
  { label: "welcome", name: "welcome", vars: { name: EVIL, url: "https://chat.example.com/" } },
  {
    label: "payment-succeeded",
    name: "payment-succeeded",
    vars: {
      name: EVIL,
      workspaceName: EVIL,
      planName: EVIL,
      amountMinor: 129000,
      currency: "THB",
      receiptUrl: RECEIPT,
      url: URL_,
    },
  },
  {
    label: "payment-failed",
    name: "payment-failed",
    vars: {
      name: EVIL,
      workspaceName: EVIL,
      planName: EVIL,
      amountMinor: 4900,
      currency: "USD",
      graceDays: 7,
      url: URL_,
    },
  },
  ...changes.map(
    (change): Case => ({
      label: `subscription-changed ${change}`,
      name: "subscription-changed",
      vars: { name: EVIL, workspaceName: EVIL, planName: EVIL, change, effectiveAt: DATE, url: URL_ },
    }),
  ),
  {
    label: "handoff-requested",
    name: "handoff-requested",
    vars: {
      name: EVIL,
      workspaceName: EVIL,
      agentName: EVIL,
      visitorName: EVIL,
      preview: `${EVIL}\n<script>alert(1)</script>`,
      url: URL_,
    },
  },
];

const render = (c: Case, locale: Locale, preferencesUrl?: string) =>
  renderEmail(c.name, locale, c.vars as never, { preferencesUrl });

describe("new templates in every language", () => {
  for (const locale of LOCALES) {
    it.each(cases.map((c) => [c.label, c] as const))(`%s (${locale})`, (_label, c) => {
      const mail = render(c, locale);

      expect(mail.subject.length).toBeGreaterThan(5);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(mail.text).toContain(c.vars.url);
      expect(mail.text).toContain("— MiniChat");

      expect(mail.html.startsWith(`<!doctype html><html lang="${locale}">`)).toBe(true);
      expect(mail.html).not.toMatch(/<(style|script|b)[\s>]|onclick="/i);
      expect(mail.html).toContain(`href="${c.vars.url.replace("&", "&amp;")}"`);
      // Styles are inline: every element that has a look carries it.
      expect(mail.html).toMatch(/<body style="[^"]+">/);
      expect(mail.html).toMatch(/<a href="[^"]+" style="[^"]+">/);
      if (c.name !== "welcome") expect(mail.html).toContain(ESCAPED);
      expect(mail.html).toContain(ESCAPED.slice(0, 20));
    });
  }

  it("reads differently for each subscription change", () => {
    for (const locale of LOCALES) {
      const subjects = new Set(
        cases.filter((c) => c.name === "subscription-changed").map((c) => render(c, locale).subject),
      );
      expect(subjects.size).toBe(changes.length);
    }
  });

  it("writes the subscription change date per locale, or the period end when there is none", () => {
    const vars = (effectiveAt: Date | null): TemplateVars["subscription-changed"] => ({
      name: "Ann",
      workspaceName: "Acme",
      planName: "Starter",
      change: "downgrade-scheduled",
      effectiveAt,
      url: URL_,
    });
    expect(renderEmail("subscription-changed", "en", vars(DATE)).text).toContain("on August 1, 2025");
    expect(renderEmail("subscription-changed", "th", vars(DATE)).text).toContain("ในวันที่ 1 สิงหาคม 2568");
    expect(renderEmail("subscription-changed", "ru", vars(DATE)).text).toContain("1 августа 2025 г.");
    expect(renderEmail("subscription-changed", "en", vars(null)).text).toContain(
      "at the end of the current billing period",
    );
    expect(renderEmail("subscription-changed", "ru", vars(null)).text).toContain(
      "в конце текущего расчётного периода",
    );
  });

  it("shows the amount, the receipt link when there is one, and the grace period", () => {
    const paid = (receiptUrl: string | null): TemplateVars["payment-succeeded"] => ({
      name: "Ann",
      workspaceName: "Acme",
      planName: "Pro",
      amountMinor: 179000,
      currency: "thb",
      receiptUrl,
      url: URL_,
    });
    const th = renderEmail("payment-succeeded", "th", paid(RECEIPT));
    expect(th.text).toContain("฿1,790.00");
    expect(th.text).toContain(`ดูใบเสร็จ: ${RECEIPT}`);
    expect(th.html).toContain(`href="${RECEIPT}"`);
    const noReceipt = renderEmail("payment-succeeded", "en", paid(null));
    expect(noReceipt.text).not.toContain("receipt");
    expect(noReceipt.text).toContain("THB\u00a01,790.00");

    const failed = (graceDays: number): TemplateVars["payment-failed"] => ({
      name: "Иван",
      workspaceName: "Кофейня",
      planName: "Pro",
      amountMinor: 449000,
      currency: "RUB",
      graceDays,
      url: URL_,
    });
    expect(renderEmail("payment-failed", "ru", failed(7)).text).toContain("4\u00a0490,00\u00a0₽");
    expect(renderEmail("payment-failed", "ru", failed(7)).text).toContain("ещё 7 дней");
    expect(renderEmail("payment-failed", "ru", failed(3)).text).toContain("ещё 3 дня");
    expect(renderEmail("payment-failed", "en", failed(1)).text).toContain("active for 1 day;");
    expect(renderEmail("payment-failed", "th", failed(0)).text).not.toContain("วัน ");
  });

  it("quotes the visitor's message shortened, and names an anonymous visitor", () => {
    const mail = renderEmail("handoff-requested", "en", {
      name: "Ann",
      workspaceName: "Acme",
      agentName: "Sunny",
      visitorName: null,
      preview: `Hello,\n\n  I need a human. ${"x".repeat(400)}`,
      url: URL_,
    });
    expect(mail.subject).toBe("A visitor asked for a person in Acme");
    expect(mail.text).toContain("> Hello, I need a human. xxx");
    expect(mail.text).toMatch(/x…\n/);
    const quote = mail.html.match(/<blockquote style="[^"]+">([^<]*)<\/blockquote>/)?.[1];
    expect(Array.from(quote ?? "")).toHaveLength(300);
    const ru = renderEmail("handoff-requested", "ru", {
      name: "Анна",
      workspaceName: "Кофейня",
      agentName: "Соня",
      visitorName: "Пётр",
      preview: "Позовите человека",
      url: URL_,
    });
    expect(ru.subject).toBe("Кофейня: Пётр хочет поговорить с оператором");
  });

  it("keeps user-typed line breaks out of the subject", () => {
    const mail = renderEmail("payment-failed", "en", {
      name: "Ann",
      workspaceName: "Acme\r\nBcc: victim@example.com",
      planName: "Pro",
      amountMinor: 100,
      currency: "USD",
      graceDays: 7,
      url: URL_,
    });
    expect(mail.subject).toBe("Payment failed for Acme Bcc: victim@example.com");
  });
});

describe("categories and the preferences footer", () => {
  it("knows which templates are essential", () => {
    for (const t of [
      "verify-email",
      "reset-password",
      "invitation",
      "payment-succeeded",
      "payment-failed",
      "subscription-changed",
    ]) {
      expect(categoryOf(t)).toBeNull();
    }
    expect(categoryOf("quota-alert")).toBe("usage");
    expect(categoryOf("welcome")).toBe("tips");
    expect(categoryOf("handoff-requested")).toBe("handoff");
    expect(categoryOf("no-such-template")).toBeNull();
    expect(categoryOf("toString")).toBeNull();
  });

  it.each([
    ["en", "Unsubscribe or choose which emails you get"],
    ["th", "ยกเลิกการรับหรือเลือกอีเมลที่ต้องการ"],
    ["ru", "Отписаться или выбрать, какие письма получать"],
  ] as const)("adds the link in the email's language (%s)", (locale, words) => {
    const link = `https://chat.example.com/email/preferences?token=a.b&lang=${locale}`;
    const welcome = cases[0]!;
    const mail = render(welcome, locale, link);
    expect(mail.text).toContain(`${words}: ${link}`);
    expect(mail.html).toContain(`<a href="${link.replace("&", "&amp;")}" style="color:#555">${words}</a>`);
    expect(render(welcome, locale).text).not.toContain(words);
  });
});

describe("formatting", () => {
  it("formats money from minor units per locale", () => {
    expect(formatMoney("en", 4900, "USD")).toBe("$49.00");
    expect(formatMoney("th", 69000, "THB")).toBe("฿690.00");
    expect(formatMoney("ru", 179000, "RUB")).toBe("1\u00a0790,00\u00a0₽");
    expect(formatMoney("ru", 4900, "usd")).toBe("49,00\u00a0$");
    expect(formatMoney("th", 1999, "USD")).toBe("US$19.99");
    expect(formatMoney("en", 123456, "XX")).toBe("1234.56 XX");
  });

  it("formats dates per locale, Thai in the Buddhist era", () => {
    expect(formatDate("en", DATE)).toBe("August 1, 2025");
    expect(formatDate("th", DATE)).toBe("1 สิงหาคม 2568");
    expect(formatDate("ru", DATE)).toBe("1 августа 2025 г.");
  });

  it("says days with the right plural", () => {
    expect([1, 2, 5, 21, 22, 11].map((n) => formatDays("ru", n))).toEqual([
      "1 день",
      "2 дня",
      "5 дней",
      "21 день",
      "22 дня",
      "11 дней",
    ]);
    expect(formatDays("en", 1)).toBe("1 day");
    expect(formatDays("en", 14)).toBe("14 days");
    expect(formatDays("th", 7)).toBe("7 วัน");
  });
});
