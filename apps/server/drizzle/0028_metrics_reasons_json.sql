ALTER TABLE "customer_metrics" ALTER COLUMN "reasons" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "customer_metrics" ALTER COLUMN "reasons" SET DEFAULT '{}'::json;