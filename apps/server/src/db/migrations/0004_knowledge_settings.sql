CREATE TABLE "knowledge_settings" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"embedding_provider" text,
	"embedding_model" text,
	"embedding_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "knowledge_settings" ADD CONSTRAINT "knowledge_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;