CREATE TABLE "billing_alerts" (
	"workspace_id" text NOT NULL,
	"period_key" text NOT NULL,
	"threshold" integer NOT NULL,
	"used" integer NOT NULL,
	"max" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_alerts_workspace_id_period_key_threshold_pk" PRIMARY KEY("workspace_id","period_key","threshold")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"ai_replies" integer,
	"max_agents" integer,
	"max_sites" integer,
	"max_members" integer,
	"max_knowledge_bytes" bigint,
	"prices" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"public" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_periods" (
	"workspace_id" text NOT NULL,
	"period_key" text NOT NULL,
	"ai_replies" integer DEFAULT 0 NOT NULL,
	"reply_limit" integer,
	"extra_replies" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_periods_workspace_id_period_key_pk" PRIMARY KEY("workspace_id","period_key")
);
--> statement-breakpoint
CREATE TABLE "workspace_subscriptions" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"interval" text DEFAULT 'monthly' NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"provider" text,
	"provider_customer_id" text,
	"provider_subscription_id" text,
	"provider_price_id" text,
	"current_period_start" timestamp with time zone,
	"current_period_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billing_alerts" ADD CONSTRAINT "billing_alerts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_periods" ADD CONSTRAINT "usage_periods_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_subscriptions" ADD CONSTRAINT "workspace_subscriptions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_subscriptions" ADD CONSTRAINT "workspace_subscriptions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "workspace_subscriptions_provider_uidx" ON "workspace_subscriptions" USING btree ("provider","provider_subscription_id");--> statement-breakpoint
CREATE INDEX "workspace_subscriptions_plan_idx" ON "workspace_subscriptions" USING btree ("plan_id");--> statement-breakpoint
-- The default plans (ADR 017). Prices in minor units; yearly = 12 months less 20 %. The platform
-- admin edits them afterwards (PUT /api/v1/admin/plans/:planId); a later migration never resets them.
INSERT INTO "plans" ("id", "name", "position", "ai_replies", "max_agents", "max_sites", "max_members", "max_knowledge_bytes", "prices") VALUES
	('free', 'Free', 0, 250, 1, 1, 2, 20971520, '{"USD":{"monthly":0,"yearly":0},"THB":{"monthly":0,"yearly":0},"RUB":{"monthly":0,"yearly":0}}'),
	('starter', 'Starter', 1, 2000, 3, 3, 5, 104857600, '{"USD":{"monthly":1900,"yearly":18240},"THB":{"monthly":69000,"yearly":662400},"RUB":{"monthly":179000,"yearly":1718400}}'),
	('pro', 'Pro', 2, 10000, 10, 10, 15, 524288000, '{"USD":{"monthly":4900,"yearly":47040},"THB":{"monthly":179000,"yearly":1718400},"RUB":{"monthly":449000,"yearly":4310400}}'),
	('business', 'Business', 3, 50000, 50, 50, 50, 2147483648, '{"USD":{"monthly":19900,"yearly":191040},"THB":{"monthly":699000,"yearly":6710400},"RUB":{"monthly":1799000,"yearly":17270400}}'),
	('enterprise', 'Enterprise', 4, NULL, NULL, NULL, NULL, NULL, '{}')
ON CONFLICT ("id") DO NOTHING;
