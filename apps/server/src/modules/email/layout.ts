import type { Locale, RenderedEmail } from "./templates.ts";

// One look for every email: the plain-text part and an HTML part with inline styles only
// (mail clients drop <style> blocks). Every variable is escaped here, in one place; links are
// shown both as a button and as plain text (some clients strip buttons).

export type EmailLayout = {
  locale: Locale;
  subject: string;
  intro: string;
  /** Facts under the intro, one paragraph each. */
  details?: string[] | undefined;
  /** Someone else's words (a visitor's message), shown quoted. */
  quote?: { label: string; text: string } | undefined;
  action: string;
  url: string;
  /** A second, plain link (e.g. a receipt). */
  extra?: { label: string; url: string } | undefined;
  outro: string;
  /** Non-essential mail: where to unsubscribe or choose which emails to get. */
  footer?: { url: string } | undefined;
};

const FOOTER: Record<Locale, { text: string; link: string }> = {
  en: {
    text: "Don’t want emails like this?",
    link: "Unsubscribe or choose which emails you get",
  },
  th: {
    text: "ไม่ต้องการรับอีเมลแบบนี้ใช่ไหม",
    link: "ยกเลิกการรับหรือเลือกอีเมลที่ต้องการ",
  },
  ru: {
    text: "Не хотите получать такие письма?",
    link: "Отписаться или выбрать, какие письма получать",
  },
};

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const SMALL = "font-size:13px;color:#555";
const LINK = "color:#0b5cad";

export function renderLayout(m: EmailLayout): RenderedEmail {
  const details = m.details ?? [];
  const footer = m.footer ? FOOTER[m.locale] : undefined;

  const text = [
    m.intro,
    ...details,
    ...(m.quote ? [`${m.quote.label}\n> ${m.quote.text}`] : []),
    `${m.action}: ${m.url}`,
    ...(m.extra ? [`${m.extra.label}: ${m.extra.url}`] : []),
    m.outro,
    "— MiniChat",
    ...(footer && m.footer ? [`--\n${footer.text} ${footer.link}: ${m.footer.url}`] : []),
  ].join("\n\n");

  const e = escapeHtml;
  const html = `<!doctype html><html lang="${m.locale}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
<p>${e(m.intro)}</p>
${details.map((d) => `<p>${e(d)}</p>\n`).join("")}${
  m.quote
    ? `<p style="margin-bottom:4px">${e(m.quote.label)}</p>
<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #ccc;color:#333;white-space:pre-wrap">${e(m.quote.text)}</blockquote>\n`
    : ""
}<p><a href="${e(m.url)}" style="display:inline-block;padding:10px 16px;background:#111;color:#fff;border-radius:6px;text-decoration:none">${e(m.action)}</a></p>
<p style="${SMALL}">${e(m.url)}</p>
${m.extra ? `<p><a href="${e(m.extra.url)}" style="${LINK}">${e(m.extra.label)}</a></p>\n` : ""}<p style="${SMALL}">${e(m.outro)}</p>
<p>— MiniChat</p>${
    footer && m.footer
      ? `\n<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 12px">
<p style="font-size:12px;color:#777">${e(footer.text)} <a href="${e(m.footer.url)}" style="color:#555">${e(footer.link)}</a></p>`
      : ""
  }</body></html>`;

  // A subject is one header line: names typed by users must not break it.
  return { subject: m.subject.replace(/\s+/g, " ").trim(), text: `${text}\n`, html };
}
