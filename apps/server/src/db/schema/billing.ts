import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { workspaces } from "./auth.ts";

/** Price of a plan in one currency, in minor units (cents, satang, kopecks). */
export type PlanPrice = { monthly: number; yearly: number };
/** Prices by ISO currency code (USD, THB, RUB). */
export type PlanPrices = Record<string, PlanPrice>;
/**
 * What a payment provider calls this plan, where it cannot be derived. Lemon Squeezy sells
 * variants created in its dashboard, so the admin records their ids here; Stripe prices are
 * created on demand from `prices` and need nothing.
 */
export type PlanProviderRefs = { lemonsqueezy?: { monthly?: string; yearly?: string } };

/**
 * A plan is data, not code: seeded by the billing migration, edited by the platform admin.
 * A null limit means unlimited.
 */
export const plans = pgTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Order on the pricing page. */
  position: integer("position").notNull().default(0),
  aiReplies: integer("ai_replies"),
  maxAgents: integer("max_agents"),
  maxSites: integer("max_sites"),
  maxMembers: integer("max_members"),
  maxKnowledgeBytes: bigint("max_knowledge_bytes", { mode: "number" }),
  prices: jsonb("prices").$type<PlanPrices>().notNull().default({}),
  providerRefs: jsonb("provider_refs").$type<PlanProviderRefs>().notNull().default({}),
  /** Listed on the public pricing endpoint (a custom plan can be assigned without being listed). */
  public: boolean("public").notNull().default(true),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The plan a workspace is on and the period it is billed for. One row per workspace; none means
 * the default plan. A manual assignment (admin) and a provider subscription (Stripe, Lemon
 * Squeezy) write the same row, so everything else reads one provider-neutral shape.
 */
export const workspaceSubscriptions = pgTable(
  "workspace_subscriptions",
  {
    workspaceId: text("workspace_id")
      .primaryKey()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    interval: text("interval").$type<"monthly" | "yearly">().notNull().default("monthly"),
    currency: text("currency").notNull().default("USD"),
    status: text("status")
      .$type<"active" | "trialing" | "past_due" | "canceled">()
      .notNull()
      .default("active"),
    source: text("source").$type<"manual" | "stripe" | "lemonsqueezy">().notNull().default("manual"),
    provider: text("provider"),
    providerCustomerId: text("provider_customer_id"),
    providerSubscriptionId: text("provider_subscription_id"),
    providerPriceId: text("provider_price_id"),
    currentPeriodStart: timestamp("current_period_start", { withTimezone: true }),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    /** A downgrade waiting for the period end (the plan paid for stays until then). */
    scheduledPlanId: text("scheduled_plan_id").references(() => plans.id),
    scheduledInterval: text("scheduled_interval").$type<"monthly" | "yearly">(),
    /** When the subscription first went past_due; the plan is kept for a grace period from here. */
    pastDueSince: timestamp("past_due_since", { withTimezone: true }),
    /**
     * The provider's own timestamp of the state last applied. Webhooks arrive out of order; an
     * older state never overwrites a newer one.
     */
    providerUpdatedAt: timestamp("provider_updated_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("workspace_subscriptions_provider_uidx").on(t.provider, t.providerSubscriptionId),
    index("workspace_subscriptions_plan_idx").on(t.planId),
  ],
);

/**
 * AI replies metered per workspace and period. The key names the period (`2026-11` for a calendar
 * month, `p2026-11-05T10:00:00Z` for a subscription period), so a new period starts at zero
 * without anyone resetting anything. `replyLimit` is the plan's limit when last reserved.
 */
export const usagePeriods = pgTable(
  "usage_periods",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    periodKey: text("period_key").notNull(),
    aiReplies: integer("ai_replies").notNull().default(0),
    replyLimit: integer("reply_limit"),
    /** Replies granted on top of the plan for this period (admin quota extension). */
    extraReplies: integer("extra_replies").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.periodKey] })],
);

/** A quota alert sent (80, 90, 100 % of the AI replies): the key makes it once per period. */
export const billingAlerts = pgTable(
  "billing_alerts",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    periodKey: text("period_key").notNull(),
    threshold: integer("threshold").notNull(),
    used: integer("used").notNull(),
    max: integer("max").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.periodKey, t.threshold] })],
);

/**
 * The customer record a payment provider keeps for a workspace, created at its first checkout
 * and reused for later checkouts and the customer portal.
 */
export const billingCustomers = pgTable(
  "billing_customers",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    provider: text("provider").$type<"stripe" | "lemonsqueezy">().notNull(),
    customerId: text("customer_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.provider] }),
    uniqueIndex("billing_customers_provider_uidx").on(t.provider, t.customerId),
  ],
);

/**
 * Every webhook event a payment provider delivered, stored by the provider's event id before it
 * is handled: a redelivery finds its row and changes nothing twice. Processing happens in a job;
 * `processedAt` is set when the handler finished.
 */
export const billingEvents = pgTable(
  "billing_events",
  {
    id: text("id").primaryKey(),
    provider: text("provider").$type<"stripe" | "lemonsqueezy">().notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** received | processed | ignored | failed (the handler threw; the job retries) */
    status: text("status").notNull().default("received"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("billing_events_provider_event_uidx").on(t.provider, t.eventId),
    index("billing_events_received_idx").on(t.receivedAt),
  ],
);
