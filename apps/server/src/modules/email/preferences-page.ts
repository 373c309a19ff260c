import { escapeHtml as e } from "./layout.ts";
import { EMAIL_CATEGORIES, type EmailCategory, LOCALES, type Locale } from "./templates.ts";

// The page behind the link in non-essential mail: one checkbox per category, a plain form
// post, no script (the CSP allows none inline, and none is needed).

type Words = {
  title: string;
  lead: (email: string) => string;
  essential: string;
  save: string;
  saved: string;
  invalidTitle: string;
  invalidBody: string;
  errorCode: string;
  categories: Record<EmailCategory, { label: string; hint: string }>;
};

const WORDS: Record<Locale, Words> = {
  en: {
    title: "Email preferences",
    lead: (email) => `Choose which emails MiniChat sends to ${email}.`,
    essential: "Emails about your account’s security, invitations and payments are always sent.",
    save: "Save",
    saved: "Saved. Your choice applies to the next emails.",
    invalidTitle: "This link does not work",
    invalidBody:
      "The link is incomplete or has been changed. Open it again from a recent MiniChat email, making sure the whole link is used.",
    errorCode: "Error code",
    categories: {
      usage: {
        label: "Usage alerts",
        hint: "When a workspace you own has used 80%, 90% and 100% of its AI replies.",
      },
      tips: { label: "Welcome and tips", hint: "Getting started with MiniChat and getting more out of it." },
      handoff: {
        label: "Visitor asks for a person",
        hint: "When a visitor in a chat asks to talk to your team.",
      },
    },
  },
  th: {
    title: "ตั้งค่าการรับอีเมล",
    lead: (email) => `เลือกอีเมลที่ต้องการให้ MiniChat ส่งถึง ${email}`,
    essential: "อีเมลเกี่ยวกับความปลอดภัยของบัญชี คำเชิญ และการชำระเงิน จะส่งถึงคุณเสมอ",
    save: "บันทึก",
    saved: "บันทึกเรียบร้อยแล้ว การตั้งค่านี้จะมีผลกับอีเมลฉบับถัดไป",
    invalidTitle: "ลิงก์นี้ใช้งานไม่ได้",
    invalidBody:
      "ลิงก์ไม่ครบถ้วนหรือถูกแก้ไข โปรดเปิดลิงก์จากอีเมลล่าสุดของ MiniChat อีกครั้ง และตรวจสอบว่าคัดลอกลิงก์มาครบทั้งหมด",
    errorCode: "รหัสข้อผิดพลาด",
    categories: {
      usage: {
        label: "แจ้งเตือนการใช้งาน",
        hint: "เมื่อเวิร์กสเปซของคุณใช้การตอบกลับด้วย AI ถึง 80%, 90% และ 100% ของโควตา",
      },
      tips: { label: "อีเมลต้อนรับและเคล็ดลับ", hint: "วิธีเริ่มต้นใช้งาน MiniChat และเคล็ดลับให้ใช้งานได้คุ้มค่ายิ่งขึ้น" },
      handoff: { label: "ผู้เยี่ยมชมขอคุยกับเจ้าหน้าที่", hint: "เมื่อผู้เยี่ยมชมในแชทขอคุยกับทีมของคุณ" },
    },
  },
  ru: {
    title: "Настройки писем",
    lead: (email) => `Выберите, какие письма MiniChat будет присылать на ${email}.`,
    essential: "Письма о безопасности аккаунта, приглашениях и платежах приходят всегда.",
    save: "Сохранить",
    saved: "Сохранено. Настройки действуют для следующих писем.",
    invalidTitle: "Ссылка не работает",
    invalidBody:
      "Ссылка неполная или изменена. Откройте её заново из недавнего письма MiniChat — целиком, без обрезанных символов.",
    errorCode: "Код ошибки",
    categories: {
      usage: {
        label: "Расход ответов ИИ",
        hint: "Когда в вашем рабочем пространстве израсходовано 80, 90 и 100 % ответов ИИ.",
      },
      tips: {
        label: "Приветствие и советы",
        hint: "Как начать работу с MiniChat и получить от него больше.",
      },
      handoff: {
        label: "Запрос оператора",
        hint: "Когда посетитель чата хочет поговорить с вашей командой.",
      },
    },
  },
};

/** `?lang=` first, then the browser's Accept-Language (by q), then English. */
export function pickLocale(lang: string | undefined, acceptLanguage: string | undefined): Locale {
  const known = (tag: string) => {
    const short = tag.trim().toLowerCase().slice(0, 2);
    return (LOCALES as readonly string[]).includes(short) ? (short as Locale) : undefined;
  };
  if (lang && known(lang)) return known(lang)!;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag, q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const locale = known(r.tag);
    if (locale) return locale;
  }
  return "en";
}

function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${e(title)} · MiniChat</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.6;color:#111}
label{display:flex;gap:.6rem;align-items:flex-start;margin:1rem 0}input[type=checkbox]{margin-top:.35rem}
small{color:#555}button{padding:.55rem 1.1rem;background:#111;color:#fff;border:0;border-radius:6px;font:inherit;cursor:pointer}
.note{background:#eef7ee;border-left:3px solid #2e7d32;padding:.5rem .8rem}.muted{color:#555;font-size:.9rem}</style></head>
<body>${body}</body></html>`;
}

export function renderPreferencesPage(p: {
  locale: Locale;
  email: string;
  token: string;
  unsubscribed: readonly string[];
  saved: boolean;
}): string {
  const w = WORDS[p.locale];
  const boxes = EMAIL_CATEGORIES.map((c) => {
    const checked = p.unsubscribed.includes(c) ? "" : " checked";
    const { label, hint } = w.categories[c];
    return `<label><input type="checkbox" name="categories" value="${c}"${checked}>
<span><strong>${e(label)}</strong><br><small>${e(hint)}</small></span></label>`;
  }).join("\n");
  return page(
    p.locale,
    w.title,
    `<h1>${e(w.title)}</h1>
${p.saved ? `<p class="note" role="status">${e(w.saved)}</p>\n` : ""}<p>${e(w.lead(p.email))}</p>
<form method="post" action="/email/preferences">
<input type="hidden" name="token" value="${e(p.token)}">
<input type="hidden" name="lang" value="${p.locale}">
${boxes}
<p><button type="submit">${e(w.save)}</button></p>
</form>
<p class="muted">${e(w.essential)}</p>`,
  );
}

export function renderInvalidTokenPage(locale: Locale): string {
  const w = WORDS[locale];
  return page(
    locale,
    w.invalidTitle,
    `<h1>${e(w.invalidTitle)}</h1>
<p>${e(w.invalidBody)}</p>
<p class="muted">${e(w.errorCode)}: <code>INVALID_TOKEN</code></p>`,
  );
}
