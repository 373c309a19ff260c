import { formatCount, formatDate, formatDays, formatMoney } from "./format.ts";
import { type EmailLayout, renderLayout } from "./layout.ts";

// Transactional email texts in the three languages we ship. Each template gives words
// (layout.ts turns them into the plain-text and HTML parts, escaping every variable);
// numbers, money and dates are formatted for the reader's language (format.ts).

export type Locale = "en" | "th" | "ru";
export const LOCALES: readonly Locale[] = ["en", "th", "ru"];

export function toLocale(value: string | null | undefined): Locale {
  const short = (value ?? "").toLowerCase().slice(0, 2);
  return (LOCALES as readonly string[]).includes(short) ? (short as Locale) : "en";
}

export type SubscriptionChange =
  | "started"
  | "upgraded"
  | "downgrade-scheduled"
  | "downgraded"
  | "cancel-scheduled"
  | "canceled"
  | "resumed";

export type TemplateVars = {
  "verify-email": { name: string; url: string };
  "reset-password": { name: string; url: string };
  invitation: { inviterName: string; workspaceName: string; role: string; url: string };
  "quota-alert": {
    name: string;
    workspaceName: string;
    threshold: number;
    used: number;
    max: number;
    url: string;
  };
  /** Sent once, after the address is verified; `url` opens the dashboard. */
  welcome: { name: string; url: string };
  /** `amountMinor` in cents / satang / kopecks; `receiptUrl` is the provider's receipt. */
  "payment-succeeded": {
    name: string;
    workspaceName: string;
    planName: string;
    amountMinor: number;
    currency: string;
    receiptUrl: string | null;
    url: string;
  };
  /** `graceDays`: how long the plan stays before the default plan's limits apply (0 = now). */
  "payment-failed": {
    name: string;
    workspaceName: string;
    planName: string;
    amountMinor: number;
    currency: string;
    graceDays: number;
    url: string;
  };
  /**
   * `planName` is the plan the change is about: the new one for started / upgraded /
   * downgrade-scheduled / downgraded, the subscribed one for cancel-scheduled / canceled /
   * resumed. `effectiveAt` is when a scheduled change happens (null: "at the end of the
   * current billing period" or, for immediate changes, not shown).
   */
  "subscription-changed": {
    name: string;
    workspaceName: string;
    planName: string;
    change: SubscriptionChange;
    effectiveAt: Date | null;
    url: string;
  };
  /** `preview` is the visitor's words (shown quoted, shortened); `url` opens the conversation. */
  "handoff-requested": {
    name: string;
    workspaceName: string;
    agentName: string;
    visitorName: string | null;
    preview: string;
    url: string;
  };
};
export type TemplateName = keyof TemplateVars;

/** What a recipient may decline. Essential mail (account security, invitations, payments) has none. */
export const EMAIL_CATEGORIES = ["usage", "tips", "handoff"] as const;
export type EmailCategory = (typeof EMAIL_CATEGORIES)[number];

export const TEMPLATE_CATEGORY: { [K in TemplateName]: EmailCategory | null } = {
  "verify-email": null,
  "reset-password": null,
  invitation: null,
  "payment-succeeded": null,
  "payment-failed": null,
  "subscription-changed": null,
  "quota-alert": "usage",
  welcome: "tips",
  "handoff-requested": "handoff",
};

/** The category of a stored row's template; null for essential or unknown (older) templates. */
export function categoryOf(template: string): EmailCategory | null {
  return Object.hasOwn(TEMPLATE_CATEGORY, template) ? TEMPLATE_CATEGORY[template as TemplateName] : null;
}

type Texts = Omit<EmailLayout, "url" | "locale" | "footer">;

/** The visitor's words as a short quote: whitespace collapsed, at most 300 characters. */
function shorten(text: string, max = 300): string {
  const chars = Array.from(text.replace(/\s+/g, " ").trim());
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join("");
}

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
  "quota-alert": {
    en: (v) =>
      v.threshold >= 100
        ? {
            subject: `${v.workspaceName} has used all its AI replies for this period`,
            intro: `Hi ${v.name}, “${v.workspaceName}” has used all ${formatCount("en", v.max)} AI replies of this period. Your agents now answer visitors with a short notice instead of calling the AI; your team can still reply by hand.`,
            action: "See plan and usage",
            outro:
              "Upgrade the plan to resume AI replies now; otherwise they resume when the next period starts.",
          }
        : {
            subject: `${v.workspaceName} has used ${v.threshold}% of its AI replies`,
            intro: `Hi ${v.name}, “${v.workspaceName}” has used ${formatCount("en", v.used)} of ${formatCount("en", v.max)} AI replies (${v.threshold}%) this period.`,
            action: "See plan and usage",
            outro:
              "When all replies are used, agents stop calling the AI until the next period or an upgrade.",
          },
    th: (v) =>
      v.threshold >= 100
        ? {
            subject: `${v.workspaceName} ใช้การตอบกลับด้วย AI ครบโควตาของรอบนี้แล้ว`,
            intro: `สวัสดีคุณ ${v.name} เวิร์กสเปซ “${v.workspaceName}” ใช้การตอบกลับด้วย AI ครบทั้ง ${formatCount("th", v.max)} ครั้งของรอบนี้แล้ว ตอนนี้เอเจนต์จะแจ้งข้อความสั้น ๆ แก่ผู้เยี่ยมชมแทนการเรียกใช้ AI ส่วนทีมของคุณยังตอบเองได้ตามปกติ`,
            action: "ดูแพ็กเกจและการใช้งาน",
            outro: "อัปเกรดแพ็กเกจเพื่อให้ AI ตอบกลับต่อได้ทันที หรือรอรอบการใช้งานถัดไป",
          }
        : {
            subject: `${v.workspaceName} ใช้การตอบกลับด้วย AI ไปแล้ว ${v.threshold}%`,
            intro: `สวัสดีคุณ ${v.name} เวิร์กสเปซ “${v.workspaceName}” ใช้การตอบกลับด้วย AI ไปแล้ว ${formatCount("th", v.used)} จาก ${formatCount("th", v.max)} ครั้ง (${v.threshold}%) ในรอบนี้`,
            action: "ดูแพ็กเกจและการใช้งาน",
            outro: "เมื่อใช้ครบโควตา เอเจนต์จะหยุดเรียกใช้ AI จนถึงรอบถัดไปหรือจนกว่าจะอัปเกรด",
          },
    ru: (v) =>
      v.threshold >= 100
        ? {
            subject: `${v.workspaceName}: все ответы ИИ за период израсходованы`,
            intro: `Здравствуйте, ${v.name}! В «${v.workspaceName}» израсходованы все ${formatCount("ru", v.max)} ответов ИИ за текущий период. Теперь агенты отвечают посетителям коротким уведомлением, не обращаясь к ИИ; ваша команда по-прежнему может отвечать вручную.`,
            action: "Тариф и использование",
            outro:
              "Перейдите на старший тариф, чтобы ответы ИИ возобновились сразу; иначе они возобновятся с началом следующего периода.",
          }
        : {
            subject: `${v.workspaceName}: израсходовано ${v.threshold}% ответов ИИ`,
            intro: `Здравствуйте, ${v.name}! В «${v.workspaceName}» за этот период использовано ${formatCount("ru", v.used)} из ${formatCount("ru", v.max)} ответов ИИ (${v.threshold}%).`,
            action: "Тариф и использование",
            outro:
              "Когда ответы закончатся, агенты перестанут обращаться к ИИ до следующего периода или смены тарифа.",
          },
  },
  welcome: {
    en: (v) => ({
      subject: "Welcome to MiniChat",
      intro: `Hi ${v.name}, your email address is confirmed. Welcome to MiniChat!`,
      details: [
        "Create a workspace for your business and invite your team.",
        "Add an AI agent and teach it with your files, website pages or questions and answers.",
        "Try it in a test chat, then let it talk to your customers.",
      ],
      action: "Open MiniChat",
      outro: "We are glad you are here.",
    }),
    th: (v) => ({
      subject: "ยินดีต้อนรับสู่ MiniChat",
      intro: `สวัสดีคุณ ${v.name} ยืนยันอีเมลเรียบร้อยแล้ว ยินดีต้อนรับสู่ MiniChat`,
      details: [
        "สร้างเวิร์กสเปซสำหรับธุรกิจของคุณ แล้วชวนทีมมาร่วมงาน",
        "สร้างเอเจนต์ AI แล้วสอนด้วยไฟล์ หน้าเว็บไซต์ หรือคำถามที่พบบ่อย",
        "ลองคุยกับเอเจนต์ในแชททดสอบก่อน แล้วค่อยเปิดให้ลูกค้าใช้งานจริง",
      ],
      action: "เปิด MiniChat",
      outro: "ขอบคุณที่เลือกใช้ MiniChat",
    }),
    ru: (v) => ({
      subject: "Добро пожаловать в MiniChat",
      intro: `Здравствуйте, ${v.name}! Адрес подтверждён — добро пожаловать в MiniChat.`,
      details: [
        "Создайте рабочее пространство для своего бизнеса и пригласите команду.",
        "Добавьте ИИ-агента и научите его: загрузите файлы, страницы сайта или вопросы и ответы.",
        "Проверьте агента в тестовом чате, а затем доверьте ему общение с клиентами.",
      ],
      action: "Открыть MiniChat",
      outro: "Рады, что вы с нами!",
    }),
  },
  "payment-succeeded": {
    en: (v) => ({
      subject: `Payment received for ${v.workspaceName}`,
      intro: `Hi ${v.name}, thank you! We received your payment of ${formatMoney("en", v.amountMinor, v.currency)} for the ${v.planName} plan of “${v.workspaceName}”.`,
      extra: v.receiptUrl ? { label: "View receipt", url: v.receiptUrl } : undefined,
      action: "See plan and billing",
      outro: "You can change or cancel the plan at any time in the billing settings.",
    }),
    th: (v) => ({
      subject: `ได้รับการชำระเงินสำหรับ ${v.workspaceName} แล้ว`,
      intro: `สวัสดีคุณ ${v.name} ขอบคุณที่ชำระเงิน เราได้รับยอด ${formatMoney("th", v.amountMinor, v.currency)} สำหรับแพ็กเกจ ${v.planName} ของเวิร์กสเปซ “${v.workspaceName}” เรียบร้อยแล้ว`,
      extra: v.receiptUrl ? { label: "ดูใบเสร็จ", url: v.receiptUrl } : undefined,
      action: "ดูแพ็กเกจและการชำระเงิน",
      outro: "คุณเปลี่ยนหรือยกเลิกแพ็กเกจได้ทุกเมื่อในหน้าการชำระเงิน",
    }),
    ru: (v) => ({
      subject: `${v.workspaceName}: оплата получена`,
      intro: `Здравствуйте, ${v.name}! Спасибо, мы получили оплату ${formatMoney("ru", v.amountMinor, v.currency)} за тариф ${v.planName} для рабочего пространства «${v.workspaceName}».`,
      extra: v.receiptUrl ? { label: "Посмотреть чек", url: v.receiptUrl } : undefined,
      action: "Тариф и оплата",
      outro: "Сменить тариф или отменить подписку можно в любой момент в разделе оплаты.",
    }),
  },
  "payment-failed": {
    en: (v) => ({
      subject: `Payment failed for ${v.workspaceName}`,
      intro: `Hi ${v.name}, we could not take the payment of ${formatMoney("en", v.amountMinor, v.currency)} for the ${v.planName} plan of “${v.workspaceName}”.`,
      details: [
        v.graceDays > 0
          ? `Please update your payment method or pay the invoice. The plan stays active for ${formatDays("en", v.graceDays)}; after that the workspace gets the free plan's limits until the payment goes through.`
          : "Please update your payment method or pay the invoice. Until the payment goes through, the workspace has the free plan's limits.",
      ],
      action: "Update payment details",
      outro: "If you have already sorted this out, you can ignore this email.",
    }),
    th: (v) => ({
      subject: `การชำระเงินสำหรับ ${v.workspaceName} ไม่สำเร็จ`,
      intro: `สวัสดีคุณ ${v.name} เราไม่สามารถเรียกเก็บเงิน ${formatMoney("th", v.amountMinor, v.currency)} สำหรับแพ็กเกจ ${v.planName} ของเวิร์กสเปซ “${v.workspaceName}” ได้`,
      details: [
        v.graceDays > 0
          ? `โปรดอัปเดตวิธีการชำระเงินหรือชำระใบแจ้งหนี้ แพ็กเกจของคุณจะยังใช้งานได้อีก ${formatDays("th", v.graceDays)} หลังจากนั้นเวิร์กสเปซจะใช้ขีดจำกัดของแพ็กเกจฟรีจนกว่าการชำระเงินจะสำเร็จ`
          : "โปรดอัปเดตวิธีการชำระเงินหรือชำระใบแจ้งหนี้ ระหว่างนี้เวิร์กสเปซจะใช้ขีดจำกัดของแพ็กเกจฟรีจนกว่าการชำระเงินจะสำเร็จ",
      ],
      action: "อัปเดตข้อมูลการชำระเงิน",
      outro: "หากคุณแก้ไขเรียบร้อยแล้ว สามารถเพิกเฉยต่ออีเมลนี้ได้",
    }),
    ru: (v) => ({
      subject: `${v.workspaceName}: не удалось провести оплату`,
      intro: `Здравствуйте, ${v.name}! Не удалось списать ${formatMoney("ru", v.amountMinor, v.currency)} за тариф ${v.planName} для рабочего пространства «${v.workspaceName}».`,
      details: [
        v.graceDays > 0
          ? `Обновите способ оплаты или оплатите счёт. Тариф сохранится ещё ${formatDays("ru", v.graceDays)}; если оплата так и не пройдёт, после этого будут действовать ограничения бесплатного тарифа.`
          : "Обновите способ оплаты или оплатите счёт. Пока оплата не пройдёт, действуют ограничения бесплатного тарифа.",
      ],
      action: "Обновить способ оплаты",
      outro: "Если вы уже всё исправили, просто проигнорируйте это письмо.",
    }),
  },
  "subscription-changed": {
    en: (v) => {
      const ws = v.workspaceName;
      const when = v.effectiveAt
        ? `on ${formatDate("en", v.effectiveAt)}`
        : "at the end of the current billing period";
      const hi = `Hi ${v.name},`;
      const c = {
        started: [
          `Your ${v.planName} plan is active for ${ws}`,
          `${hi} “${ws}” is now on the ${v.planName} plan. Thank you for subscribing!`,
        ],
        upgraded: [
          `${ws} is upgraded to ${v.planName}`,
          `${hi} “${ws}” is now on the ${v.planName} plan. The new limits apply right away.`,
        ],
        "downgrade-scheduled": [
          `${ws} will move to ${v.planName}`,
          `${hi} “${ws}” will move to the ${v.planName} plan ${when}. Until then the current plan stays in effect.`,
        ],
        downgraded: [
          `${ws} is now on ${v.planName}`,
          `${hi} “${ws}” has moved to the ${v.planName} plan; its limits apply from now on.`,
        ],
        "cancel-scheduled": [
          `Your subscription for ${ws} will end`,
          `${hi} the ${v.planName} subscription of “${ws}” is canceled and ends ${when}. Until then everything keeps working; after that the workspace moves to the free plan.`,
        ],
        canceled: [
          `Your subscription for ${ws} has ended`,
          `${hi} the ${v.planName} subscription of “${ws}” has ended. The workspace is now on the free plan, with its limits.`,
        ],
        resumed: [
          `Your subscription for ${ws} continues`,
          `${hi} the ${v.planName} subscription of “${ws}” is active again and renews as usual.`,
        ],
      }[v.change];
      return {
        subject: c[0]!,
        intro: c[1]!,
        action: "See plan and billing",
        outro:
          v.change === "canceled"
            ? "You can subscribe again at any time."
            : "You can change or cancel the plan at any time in the billing settings.",
      };
    },
    th: (v) => {
      const ws = v.workspaceName;
      const when = v.effectiveAt
        ? `ในวันที่ ${formatDate("th", v.effectiveAt)}`
        : "เมื่อสิ้นสุดรอบการเรียกเก็บเงินปัจจุบัน";
      const hi = `สวัสดีคุณ ${v.name}`;
      const c = {
        started: [
          `แพ็กเกจ ${v.planName} ของ ${ws} เริ่มใช้งานแล้ว`,
          `${hi} ตอนนี้เวิร์กสเปซ “${ws}” ใช้แพ็กเกจ ${v.planName} แล้ว ขอบคุณที่สมัครใช้บริการ`,
        ],
        upgraded: [
          `${ws} อัปเกรดเป็นแพ็กเกจ ${v.planName} แล้ว`,
          `${hi} เวิร์กสเปซ “${ws}” อัปเกรดเป็นแพ็กเกจ ${v.planName} แล้ว ขีดจำกัดใหม่มีผลทันที`,
        ],
        "downgrade-scheduled": [
          `${ws} จะเปลี่ยนเป็นแพ็กเกจ ${v.planName}`,
          `${hi} เวิร์กสเปซ “${ws}” จะเปลี่ยนเป็นแพ็กเกจ ${v.planName} ${when} ระหว่างนี้ยังใช้แพ็กเกจปัจจุบันได้ตามปกติ`,
        ],
        downgraded: [
          `${ws} เปลี่ยนเป็นแพ็กเกจ ${v.planName} แล้ว`,
          `${hi} เวิร์กสเปซ “${ws}” เปลี่ยนเป็นแพ็กเกจ ${v.planName} แล้ว ขีดจำกัดของแพ็กเกจนี้มีผลตั้งแต่ตอนนี้`,
        ],
        "cancel-scheduled": [
          `การสมัครใช้งานของ ${ws} จะสิ้นสุดลง`,
          `${hi} การสมัครใช้งานแพ็กเกจ ${v.planName} ของเวิร์กสเปซ “${ws}” ถูกยกเลิกแล้วและจะสิ้นสุด${when} ระหว่างนี้ทุกอย่างยังใช้งานได้ตามปกติ หลังจากนั้นเวิร์กสเปซจะเปลี่ยนเป็นแพ็กเกจฟรี`,
        ],
        canceled: [
          `การสมัครใช้งานของ ${ws} สิ้นสุดแล้ว`,
          `${hi} การสมัครใช้งานแพ็กเกจ ${v.planName} ของเวิร์กสเปซ “${ws}” สิ้นสุดแล้ว ตอนนี้เวิร์กสเปซใช้แพ็กเกจฟรีตามขีดจำกัดของแพ็กเกจนั้น`,
        ],
        resumed: [
          `การสมัครใช้งานของ ${ws} ดำเนินต่อแล้ว`,
          `${hi} การสมัครใช้งานแพ็กเกจ ${v.planName} ของเวิร์กสเปซ “${ws}” กลับมาใช้งานได้ตามปกติและจะต่ออายุอัตโนมัติ`,
        ],
      }[v.change];
      return {
        subject: c[0]!,
        intro: c[1]!,
        action: "ดูแพ็กเกจและการชำระเงิน",
        outro:
          v.change === "canceled" ? "คุณสมัครใช้งานใหม่ได้ทุกเมื่อ" : "คุณเปลี่ยนหรือยกเลิกแพ็กเกจได้ทุกเมื่อในหน้าการชำระเงิน",
      };
    },
    ru: (v) => {
      const ws = v.workspaceName;
      const when = v.effectiveAt ? formatDate("ru", v.effectiveAt) : "в конце текущего расчётного периода";
      const hi = `Здравствуйте, ${v.name}!`;
      const c = {
        started: [
          `${ws}: тариф ${v.planName} подключён`,
          `${hi} Для рабочего пространства «${ws}» подключён тариф ${v.planName}. Спасибо за подписку!`,
        ],
        upgraded: [
          `${ws}: тариф повышен до ${v.planName}`,
          `${hi} Рабочее пространство «${ws}» переведено на тариф ${v.planName}. Новые лимиты уже действуют.`,
        ],
        "downgrade-scheduled": [
          `${ws}: переход на тариф ${v.planName}`,
          `${hi} Рабочее пространство «${ws}» перейдёт на тариф ${v.planName} ${when}. До этого действует текущий тариф.`,
        ],
        downgraded: [
          `${ws}: теперь тариф ${v.planName}`,
          `${hi} Рабочее пространство «${ws}» переведено на тариф ${v.planName}; его лимиты действуют с этого момента.`,
        ],
        "cancel-scheduled": [
          `${ws}: подписка будет отменена`,
          `${hi} Подписка на тариф ${v.planName} для рабочего пространства «${ws}» отменена и закончится ${when}. До этого всё работает как прежде, затем пространство перейдёт на бесплатный тариф.`,
        ],
        canceled: [
          `${ws}: подписка закончилась`,
          `${hi} Подписка на тариф ${v.planName} для рабочего пространства «${ws}» закончилась. Теперь для пространства действует бесплатный тариф с его лимитами.`,
        ],
        resumed: [
          `${ws}: подписка продолжается`,
          `${hi} Подписка на тариф ${v.planName} для рабочего пространства «${ws}» снова активна и будет продлеваться как обычно.`,
        ],
      }[v.change];
      return {
        subject: c[0]!,
        intro: c[1]!,
        action: "Тариф и оплата",
        outro:
          v.change === "canceled"
            ? "Оформить подписку снова можно в любой момент."
            : "Сменить тариф или отменить подписку можно в любой момент в разделе оплаты.",
      };
    },
  },
  "handoff-requested": {
    en: (v) => ({
      subject: `${v.visitorName ?? "A visitor"} asked for a person in ${v.workspaceName}`,
      intro: `Hi ${v.name}, ${v.visitorName ?? "a visitor"} is chatting with ${v.agentName} in “${v.workspaceName}” and asked to talk to a person.`,
      quote: { label: "Their message:", text: shorten(v.preview) },
      action: "Open the conversation",
      outro: "The visitor is waiting for your team to answer.",
    }),
    th: (v) => ({
      subject: v.visitorName
        ? `${v.visitorName} ขอคุยกับเจ้าหน้าที่ใน ${v.workspaceName}`
        : `มีผู้เยี่ยมชมขอคุยกับเจ้าหน้าที่ใน ${v.workspaceName}`,
      intro: `สวัสดีคุณ ${v.name} ${v.visitorName ? `คุณ ${v.visitorName}` : "ผู้เยี่ยมชม"} ซึ่งกำลังแชทกับ ${v.agentName} ในเวิร์กสเปซ “${v.workspaceName}” ขอคุยกับเจ้าหน้าที่`,
      quote: { label: "ข้อความ:", text: shorten(v.preview) },
      action: "เปิดบทสนทนา",
      outro: "ผู้เยี่ยมชมกำลังรอคำตอบจากทีมของคุณ",
    }),
    ru: (v) => ({
      subject: `${v.workspaceName}: ${v.visitorName ?? "посетитель"} хочет поговорить с оператором`,
      intro: `Здравствуйте, ${v.name}! ${v.visitorName ?? "Посетитель"} в чате с агентом «${v.agentName}» (рабочее пространство «${v.workspaceName}») хочет поговорить с оператором.`,
      quote: { label: "Сообщение:", text: shorten(v.preview) },
      action: "Открыть диалог",
      outro: "Посетитель ждёт ответа вашей команды.",
    }),
  },
};

export type RenderedEmail = { subject: string; text: string; html: string };

/**
 * `preferencesUrl` adds the "unsubscribe or choose your emails" footer; the mailer passes it
 * for every template with a category.
 */
export function renderEmail<K extends TemplateName>(
  name: K,
  locale: Locale,
  vars: TemplateVars[K],
  opts: { preferencesUrl?: string | undefined } = {},
): RenderedEmail {
  const texts = T[name][locale](vars);
  return renderLayout({
    ...texts,
    locale,
    url: (vars as { url: string }).url,
    footer: opts.preferencesUrl ? { url: opts.preferencesUrl } : undefined,
  });
}
