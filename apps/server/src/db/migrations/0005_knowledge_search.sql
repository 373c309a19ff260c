DROP INDEX "knowledge_chunks_tsv_idx";--> statement-breakpoint
CREATE INDEX "knowledge_chunks_tsv_idx" ON "knowledge_chunks" USING gin ("tsv") WITH (fastupdate=false);--> statement-breakpoint
-- Search reads the tsv of every chunk it ranks but the content of only the few it returns: the
-- tsv stays in the row (compressed if need be) and the content goes to TOAST first. Rows written
-- from now on; older ones move when their source is next ingested.
ALTER TABLE "knowledge_chunks" ALTER COLUMN "tsv" SET STORAGE MAIN;
