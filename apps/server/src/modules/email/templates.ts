// Transactional email texts in the three languages we ship. Variables are escaped for HTML;
// links are shown both as a button and as plain text (some clients strip buttons).

export type Locale = "en" | "th" | "ru";
export const LOCALES: readonly Locale[] = ["en", "th", "ru"];

export function toLocale(value: string | null | undefined): Locale {
  const short = (value ?? "").toLowerCase().slice(0, 2);
  return (LOCALES as readonly string[]).includes(short) ? (short as Locale) : "en";
}

type Texts = { subject: string; intro: string; action: string; outro: string };

export type TemplateVars = {
  "verify-email": { name: string; url: string };
  "reset-password": { name: string; url: string };
  invitation: { inviterName: string; workspaceName: string; role: string; url: string };
};
export type TemplateName = keyof TemplateVars;

const T: { [K in TemplateName]: Record<Locale, (v: TemplateVars[K]) => Texts> } = {
  "verify-email": {
    en: (v) => ({
      subject: "Confirm your email for MiniChat",
      intro: `Hi ${v.name}, please confirm your email address to finish setting up your MiniChat account.`,
      action: "Confirm email",
      outro: "If you did not sign up, you can ignore this email.",
    }),
    th: (v) => ({
      subject: "ยืนยันอีเมลของคุณสำหรับ MiniChat",
      intro: `สวัสดีคุณ ${v.name} กรุณายืนยันอีเมลของคุณเพื่อตั้งค่าบัญชี MiniChat ให้เสร็จสมบูรณ์`,
      action: "ยืนยันอีเมล",
      outro: "หากคุณไม่ได้สมัครใช้งาน คุณสามารถเพิกเฉยต่ออีเมลนี้ได้",
    }),
    ru: (v) => ({
      subject: "Подтвердите email для MiniChat",
      intro: `Здравствуйте, ${v.name}! Подтвердите адрес электронной почты, чтобы завершить настройку аккаунта MiniChat.`,
      action: "Подтвердить email",
      outro: "Если вы не регистрировались, просто проигнорируйте это письмо.",
    }),
  },
  "reset-password": {
    en: (v) => ({
      subject: "Reset your MiniChat password",
      intro: `Hi ${v.name}, we received a request to reset your password. The link is valid for one hour.`,
      action: "Choose a new password",
      outro: "If you did not ask for this, ignore this email; your password stays the same.",
    }),
    th: (v) => ({
      subject: "รีเซ็ตรหัสผ่าน MiniChat ของคุณ",
      intro: `สวัสดีคุณ ${v.name} เราได้รับคำขอรีเซ็ตรหัสผ่านของคุณ ลิงก์นี้ใช้ได้ภายในหนึ่งชั่วโมง`,
      action: "ตั้งรหัสผ่านใหม่",
      outro: "หากคุณไม่ได้ส่งคำขอนี้ โปรดเพิกเฉยต่ออีเมลนี้ รหัสผ่านของคุณจะไม่เปลี่ยนแปลง",
    }),
    ru: (v) => ({
      subject: "Сброс пароля MiniChat",
      intro: `Здравствуйте, ${v.name}! Мы получили запрос на сброс пароля. Ссылка действует один час.`,
      action: "Задать новый пароль",
      outro: "Если вы не запрашивали сброс, проигнорируйте письмо — пароль останется прежним.",
    }),
  },
  invitation: {
    en: (v) => ({
      subject: `${v.inviterName} invited you to ${v.workspaceName} on MiniChat`,
      intro: `${v.inviterName} invited you to join the workspace “${v.workspaceName}” as ${v.role}.`,
      action: "Accept invitation",
      outro: "The invitation expires in 48 hours. If you do not know the sender, ignore this email.",
    }),
    th: (v) => ({
      subject: `${v.inviterName} เชิญคุณเข้าร่วม ${v.workspaceName} บน MiniChat`,
      intro: `${v.inviterName} เชิญคุณเข้าร่วมเวิร์กสเปซ “${v.workspaceName}” ในบทบาท ${v.role}`,
      action: "ตอบรับคำเชิญ",
      outro: "คำเชิญจะหมดอายุใน 48 ชั่วโมง หากคุณไม่รู้จักผู้ส่ง โปรดเพิกเฉยต่ออีเมลนี้",
    }),
    ru: (v) => ({
      subject: `${v.inviterName} приглашает вас в ${v.workspaceName} на MiniChat`,
      intro: `${v.inviterName} приглашает вас в рабочее пространство «${v.workspaceName}» с ролью ${v.role}.`,
      action: "Принять приглашение",
      outro: "Приглашение действует 48 часов. Если вы не знаете отправителя, проигнорируйте письмо.",
    }),
  },
};

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

export type RenderedEmail = { subject: string; text: string; html: string };

export function renderEmail<K extends TemplateName>(
  name: K,
  locale: Locale,
  vars: TemplateVars[K],
): RenderedEmail {
  const t = T[name][locale](vars);
  const url = (vars as { url: string }).url;
  const text = `${t.intro}\n\n${t.action}: ${url}\n\n${t.outro}\n\n— MiniChat\n`;
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
<p>${escapeHtml(t.intro)}</p>
<p><a href="${escapeHtml(url)}" style="display:inline-block;padding:10px 16px;background:#111;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(t.action)}</a></p>
<p style="font-size:13px;color:#555">${escapeHtml(url)}</p>
<p style="font-size:13px;color:#555">${escapeHtml(t.outro)}</p>
<p>— MiniChat</p></body></html>`;
  return { subject: t.subject, text, html };
}
