import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** One-time facts about this installation, claimed atomically (e.g. who became the first admin). */
export const platformClaims = pgTable("platform_claims", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
