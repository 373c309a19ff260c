export { type EmailRow, findLatestEmails } from "./email.repo.ts";
export { createMailer, type Mailer, SEND_EMAIL_QUEUE } from "./mailer.ts";
export {
  EMAIL_CATEGORIES,
  type EmailCategory,
  LOCALES,
  type Locale,
  type SubscriptionChange,
  type TemplateName,
  type TemplateVars,
  toLocale,
} from "./templates.ts";
