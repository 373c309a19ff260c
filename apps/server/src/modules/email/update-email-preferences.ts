import type { Db } from "../../platform/db/client.ts";
import { setUnsubscribed } from "./email.repo.ts";
import { EMAIL_CATEGORIES, type EmailCategory } from "./templates.ts";

/**
 * Saves what the preferences form shows: the ticked categories are wanted, every other one is
 * declined (a browser posts only ticked checkboxes). Returns the declined categories.
 */
export async function updateEmailPreferences(
  db: Db,
  input: { email: string; wanted: readonly EmailCategory[]; now: Date },
): Promise<EmailCategory[]> {
  const declined = EMAIL_CATEGORIES.filter((c) => !input.wanted.includes(c));
  await setUnsubscribed(db, input.email, declined, input.now);
  return declined;
}
