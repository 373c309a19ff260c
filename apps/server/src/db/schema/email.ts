import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Every email the platform sends. With no SMTP configured this is the local outbox. */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    template: text("template").notNull(),
    locale: text("locale").notNull(),
    /** outbox | smtp */
    transport: text("transport").notNull(),
    /** stored (outbox transport) | queued | retrying | sent | failed (SMTP gave up) */
    status: text("status").notNull(),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("email_outbox_created_idx").on(t.createdAt), index("email_outbox_to_idx").on(t.to)],
);

/**
 * What non-essential mail an address declined, by category (e.g. "usage" for quota alerts).
 * Keyed by address because mail goes to addresses; the unsubscribe link carries a signed token
 * for it, so declining needs no sign-in. Essential mail (verification, payments) ignores this.
 */
export const emailPreferences = pgTable("email_preferences", {
  email: text("email").primaryKey(),
  unsubscribed: jsonb("unsubscribed").$type<string[]>().notNull().default([]),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
