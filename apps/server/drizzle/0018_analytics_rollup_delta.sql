CREATE TABLE "analytics_rollup_customers" (
	"customer_id" bigint PRIMARY KEY NOT NULL,
	"owner_id" bigint,
	"province" text NOT NULL,
	"order_months" date[],
	"order_revenue" numeric[]
);
--> statement-breakpoint
CREATE TABLE "analytics_rollup_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"run_id" bigint NOT NULL,
	"customers_seen_until" timestamp with time zone NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_rollup_state_single" CHECK (id = 1)
);
--> statement-breakpoint
-- the rollups already built keep answering: their run becomes the state's (the next refresh rebuilds them, the per-customer record being empty)
INSERT INTO "analytics_rollup_state" ("id", "run_id", "customers_seen_until", "refreshed_at") SELECT 1, max("run_id"), now(), now() FROM "analytics_metric_rollups" HAVING max("run_id") IS NOT NULL;--> statement-breakpoint
DROP INDEX "analytics_cohort_activity_idx";--> statement-breakpoint
DROP INDEX "analytics_metric_rollups_kind_idx";--> statement-breakpoint
ALTER TABLE "analytics_cohort_activity" DROP COLUMN "refreshed_at";--> statement-breakpoint
ALTER TABLE "analytics_metric_rollups" DROP COLUMN "run_id";--> statement-breakpoint
ALTER TABLE "analytics_cohort_activity" ADD CONSTRAINT "analytics_cohort_activity_key" UNIQUE NULLS NOT DISTINCT("grain","cohort_month","owner_id","province","activity_month");--> statement-breakpoint
ALTER TABLE "analytics_metric_rollups" ADD CONSTRAINT "analytics_metric_rollups_key" UNIQUE NULLS NOT DISTINCT("grain","kind","owner_id","province","k1","k2");