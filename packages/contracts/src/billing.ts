import { z } from "zod";

export const CURRENCIES = ["USD", "THB", "RUB"] as const;
export const ZCurrency = z.enum(CURRENCIES);
export const ZBillingInterval = z.enum(["monthly", "yearly"]);
export const ZPlanId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, "must be a lowercase plan id (letters, digits, dashes)");

/** Minor units (cents, satang, kopecks). */
const ZAmount = z.number().int().min(0).max(1_000_000_000);
export const ZPlanPrice = z.strictObject({ monthly: ZAmount, yearly: ZAmount });
/** null = unlimited */
const ZLimit = z.number().int().min(0).max(1_000_000_000).nullable();

export const ZPlanLimits = z.object({
  aiReplies: ZLimit.meta({ description: "AI replies per period; null = unlimited" }),
  agents: ZLimit,
  sites: ZLimit,
  members: ZLimit,
  knowledgeBytes: z.number().int().min(0).nullable(),
});

export const ZPlan = z
  .object({
    id: z.string(),
    name: z.string(),
    position: z.number().int(),
    limits: ZPlanLimits,
    prices: z
      .record(z.string(), ZPlanPrice)
      .meta({ description: "By currency, in minor units; empty for plans sold on request" }),
    public: z.boolean(),
  })
  .meta({ id: "Plan" });
export type TPlan = z.infer<typeof ZPlan>;
export const ZPlanList = z.object({ plans: z.array(ZPlan) });

/** Lemon Squeezy variant ids (numeric, as its API and dashboard show them). */
const ZLsVariantId = z.string().regex(/^\d{1,20}$/, "must be a Lemon Squeezy variant id (digits)");
export const ZPlanProviderRefs = z.object({
  lemonsqueezy: z.object({ monthly: z.string().optional(), yearly: z.string().optional() }).optional(),
});
/** A plan as the platform admin sees it: with what payment providers call it. */
export const ZAdminPlan = ZPlan.extend({ providerRefs: ZPlanProviderRefs }).meta({ id: "AdminPlan" });

export const ZPlanParams = z.strictObject({ planId: ZPlanId });
export const ZUpdatePlanRequest = z.strictObject({
  name: z.string().trim().min(1).max(60).optional(),
  position: z.number().int().min(0).max(1000).optional(),
  limits: z
    .strictObject({
      aiReplies: ZLimit.optional(),
      agents: ZLimit.optional(),
      sites: ZLimit.optional(),
      members: ZLimit.optional(),
      knowledgeBytes: z.number().int().min(0).max(1e13).nullable().optional(),
    })
    .optional(),
  prices: z
    .partialRecord(ZCurrency, ZPlanPrice.nullable())
    .optional()
    .meta({ description: "Per currency; null removes the currency" }),
  public: z.boolean().optional(),
  providerRefs: z
    .strictObject({
      lemonsqueezy: z
        .strictObject({
          monthly: ZLsVariantId.nullable().optional(),
          yearly: ZLsVariantId.nullable().optional(),
        })
        .optional(),
    })
    .optional()
    .meta({ description: "Lemon Squeezy variant ids selling this plan per interval; null removes one" }),
});
export type TUpdatePlanRequest = z.infer<typeof ZUpdatePlanRequest>;

export const PAYMENT_PROVIDERS = ["stripe", "lemonsqueezy"] as const;
export const ZPaymentProvider = z.enum(PAYMENT_PROVIDERS);

export const ZCheckoutRequest = z.strictObject({
  planId: ZPlanId,
  interval: ZBillingInterval,
  currency: ZCurrency,
  provider: ZPaymentProvider.optional().meta({
    description: "Defaults to Stripe when configured, else Lemon Squeezy",
  }),
  paymentMethod: z.enum(["card", "promptpay"]).optional().meta({
    description:
      "card (default): a subscription renewed automatically. promptpay: Stripe and THB only — one prepaid period (month or year) paid by QR code, not renewed; paying again before it ends extends it",
  }),
});
export type TCheckoutRequest = z.infer<typeof ZCheckoutRequest>;
export const ZCheckoutResponse = z.object({ provider: ZPaymentProvider, url: z.string() });
export const ZPortalResponse = z.object({ provider: ZPaymentProvider, url: z.string() });
export const ZChangePlanRequest = z.strictObject({ planId: ZPlanId, interval: ZBillingInterval });
export type TChangePlanRequest = z.infer<typeof ZChangePlanRequest>;
export const ZWebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean() });

export const ZLimitUsage = z.object({ used: z.number(), max: z.number().nullable() });
export const ZQuotaAlert = z.object({
  threshold: z.number().int(),
  used: z.number().int(),
  max: z.number().int(),
  createdAt: z.string(),
});

export const ZWorkspaceBilling = z
  .object({
    plan: ZPlan,
    subscription: z
      .object({
        status: z.string(),
        interval: ZBillingInterval,
        currency: z.string(),
        source: z.string(),
        /** The plan paid for; differs from `plan` when canceled or past the payment grace period. */
        planId: z.string(),
        cancelAtPeriodEnd: z.boolean(),
        currentPeriodEnd: z.string().nullable(),
        /** A downgrade that takes effect when the current period ends. */
        scheduledPlanId: z.string().nullable(),
        scheduledInterval: ZBillingInterval.nullable(),
        pastDueSince: z.string().nullable(),
        /** When a past_due subscription falls back to the default plan's limits. */
        graceEndsAt: z.string().nullable(),
      })
      .nullable(),
    period: z.object({ key: z.string(), start: z.string(), end: z.string() }),
    aiReplies: z.object({
      used: z.number().int(),
      max: z.number().int().nullable(),
      left: z.number().int().nullable(),
      extra: z.number().int(),
    }),
    usage: z.object({
      agents: ZLimitUsage,
      sites: ZLimitUsage,
      members: ZLimitUsage,
      knowledgeBytes: ZLimitUsage,
    }),
    paymentProviders: z.array(ZPaymentProvider),
    alerts: z.array(ZQuotaAlert),
  })
  .meta({ id: "WorkspaceBilling" });
export type TWorkspaceBilling = z.infer<typeof ZWorkspaceBilling>;

export const ZAssignPlanRequest = z.strictObject({
  planId: ZPlanId,
  interval: ZBillingInterval.optional(),
  currency: ZCurrency.optional(),
});
export const ZQuotaExtensionRequest = z.strictObject({
  replies: z.number().int().min(1).max(10_000_000),
});

export const ZAdminWorkspaceList = z.object({
  workspaces: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      planId: z.string(),
      status: z.string().nullable(),
      source: z.string().nullable(),
      periodKey: z.string(),
      aiReplies: z.object({ used: z.number().int(), max: z.number().int().nullable() }),
    }),
  ),
});
export const ZAdminWorkspaceListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ZMrr = z.object({
  /** Monthly recurring revenue per currency, in minor units (yearly plans count a twelfth). */
  mrr: z.record(z.string(), z.number()),
  subscriptions: z.number().int(),
});
