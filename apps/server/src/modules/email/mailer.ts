import nodemailer, { type Transporter } from "nodemailer";
import type { Config } from "../../platform/config.ts";
import type { Db } from "../../platform/db/client.ts";
import { newId } from "../../platform/ids.ts";
import type { Jobs, QueueDefinition } from "../../platform/jobs.ts";
import type { Logger } from "../../platform/types.ts";
import { findEmailById, findUnsubscribed, insertEmail, setEmailStatus } from "./email.repo.ts";
import { createPreferenceLinks } from "./preference-links.ts";
import {
  categoryOf,
  type Locale,
  renderEmail,
  TEMPLATE_CATEGORY,
  type TemplateName,
  type TemplateVars,
} from "./templates.ts";

// Every email is first written to email_outbox. Without SMTP_URL that row *is* the delivery
// (the local outbox, readable by the platform admin); with SMTP a pg-boss job sends it, so a
// slow or failing mail server never slows down or breaks the request that caused the email.
// Non-essential mail (a template with a category) is not written at all for an address that
// declined its category, and carries a preferences link plus RFC 8058 one-click headers.

export const SEND_EMAIL_QUEUE = "email.send";

export type Mailer = {
  transport: "smtp" | "outbox";
  /** The email's id, or null when the address declined this kind of email. */
  send<K extends TemplateName>(msg: {
    to: string;
    template: K;
    locale: Locale;
    vars: TemplateVars[K];
  }): Promise<string | null>;
  queues: QueueDefinition<{ id: string }>[];
  close(): void;
};

export function createMailer(deps: {
  db: Db;
  smtpUrl: string | undefined;
  from: string;
  /** For the preferences link of non-essential mail and its signature. */
  config: Pick<Config, "baseUrl" | "secretKey">;
  logger: Logger;
  jobs?: Pick<Jobs, "send"> | undefined;
}): Mailer {
  const smtp: Transporter | undefined = deps.smtpUrl ? nodemailer.createTransport(deps.smtpUrl) : undefined;
  const links = createPreferenceLinks(deps.config);

  // email_outbox has no headers column: they follow from the template and the address, so
  // they are derived again when the row is delivered.
  function headersFor(template: string, to: string): Record<string, string> {
    const category = categoryOf(template);
    if (!category) return {};
    return {
      "List-Unsubscribe": `<${links.unsubscribeUrl(to, category)}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    };
  }

  async function deliver(id: string, lastAttempt: boolean): Promise<void> {
    const row = await findEmailById(deps.db, id);
    if (!row || row.status === "sent" || !smtp) return;
    try {
      await smtp.sendMail({
        from: deps.from,
        to: row.to,
        subject: row.subject,
        text: row.text,
        html: row.html,
        headers: headersFor(row.template, row.to),
      });
      await setEmailStatus(deps.db, id, "sent", null);
    } catch (err) {
      // "retrying" while pg-boss will try again, "failed" once it has given up.
      await setEmailStatus(
        deps.db,
        id,
        lastAttempt ? "failed" : "retrying",
        (err as Error).message.slice(0, 500),
      );
      throw err;
    }
  }

  return {
    transport: smtp ? "smtp" : "outbox",
    async send({ to, template, locale, vars }) {
      const category = TEMPLATE_CATEGORY[template];
      if (category && (await findUnsubscribed(deps.db, to)).includes(category)) {
        deps.logger.info(
          { template, category, to: maskEmail(to) },
          "email not sent: the address unsubscribed from this category",
        );
        return null;
      }
      const rendered = renderEmail(template, locale, vars, {
        preferencesUrl: category ? links.preferencesUrl(to, locale) : undefined,
      });
      const id = newId("eml");
      await insertEmail(deps.db, {
        id,
        to: to.toLowerCase(),
        ...rendered,
        template,
        locale,
        transport: smtp ? "smtp" : "outbox",
        status: smtp ? "queued" : "stored",
      });
      if (!smtp) {
        deps.logger.info({ emailId: id, template, to: maskEmail(to) }, "email stored in the local outbox");
      } else if (deps.jobs) {
        await deps.jobs.send(SEND_EMAIL_QUEUE, { id });
      } else {
        await deliver(id, true);
      }
      return id;
    },
    queues: [
      {
        name: SEND_EMAIL_QUEUE,
        retryLimit: 8,
        retryDelaySeconds: 15,
        handler: async (data, job) => deliver(data.id, job.lastAttempt),
      },
    ],
    close() {
      smtp?.close();
    },
  };
}

function maskEmail(email: string): string {
  const [user, domain] = email.split("@");
  return `${(user ?? "").slice(0, 2)}***@${domain ?? ""}`;
}
