CREATE TABLE "analytics_cohort_activity" (
	"grain" text NOT NULL,
	"owner_id" bigint,
	"province" text,
	"cohort_month" date NOT NULL,
	"activity_month" date NOT NULL,
	"customers" integer NOT NULL,
	"orders" integer NOT NULL,
	"revenue" numeric NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_flow_rollups" (
	"run_id" bigint NOT NULL,
	"day" date NOT NULL,
	"metric" text NOT NULL,
	"grain" text NOT NULL,
	"owner_id" bigint,
	"province" text,
	"from_value" text,
	"to_value" text,
	"customers" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_metric_rollups" (
	"run_id" bigint NOT NULL,
	"grain" text NOT NULL,
	"owner_id" bigint,
	"province" text,
	"kind" text NOT NULL,
	"k1" text NOT NULL,
	"k2" text NOT NULL,
	"customers" integer NOT NULL,
	"value" numeric NOT NULL,
	"clv" numeric NOT NULL,
	"days" bigint NOT NULL,
	"expected_purchases" numeric NOT NULL,
	"expected_spend" numeric NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_cohort_activity_idx" ON "analytics_cohort_activity" USING btree ("grain","cohort_month");--> statement-breakpoint
CREATE INDEX "analytics_flow_rollups_metric_idx" ON "analytics_flow_rollups" USING btree ("metric","grain","day");--> statement-breakpoint
CREATE INDEX "analytics_flow_rollups_run_idx" ON "analytics_flow_rollups" USING btree ("run_id","metric");--> statement-breakpoint
CREATE INDEX "analytics_metric_rollups_kind_idx" ON "analytics_metric_rollups" USING btree ("run_id","kind","grain");