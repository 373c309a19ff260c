export { type EmailRow, findLatestEmails } from "./email.repo.ts";
export { createMailer, type Mailer, SEND_EMAIL_QUEUE } from "./mailer.ts";
export { LOCALES, type Locale, toLocale } from "./templates.ts";
