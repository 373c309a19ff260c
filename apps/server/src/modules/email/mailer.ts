import nodemailer, { type Transporter } from "nodemailer";
import type { Db } from "../../platform/db/client.ts";
import { newId } from "../../platform/ids.ts";
import type { Jobs, QueueDefinition } from "../../platform/jobs.ts";
import type { Logger } from "../../platform/types.ts";
import { findEmailById, insertEmail, setEmailStatus } from "./email.repo.ts";
import { type Locale, renderEmail, type TemplateName, type TemplateVars } from "./templates.ts";

// Every email is first written to email_outbox. Without SMTP_URL that row *is* the delivery
// (the local outbox, readable by the platform admin); with SMTP a pg-boss job sends it, so a
// slow or failing mail server never slows down or breaks the request that caused the email.

export const SEND_EMAIL_QUEUE = "email.send";

export type Mailer = {
  transport: "smtp" | "outbox";
  send<K extends TemplateName>(msg: {
    to: string;
    template: K;
    locale: Locale;
    vars: TemplateVars[K];
  }): Promise<string>;
  queues: QueueDefinition<{ id: string }>[];
  close(): void;
};

export function createMailer(deps: {
  db: Db;
  smtpUrl: string | undefined;
  from: string;
  logger: Logger;
  jobs?: Pick<Jobs, "send"> | undefined;
}): Mailer {
  const smtp: Transporter | undefined = deps.smtpUrl ? nodemailer.createTransport(deps.smtpUrl) : undefined;

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
      const rendered = renderEmail(template, locale, vars);
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
