CREATE TABLE "analytics_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "analytics_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"mode" text NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" bigint,
	"status" text NOT NULL,
	"as_of" date NOT NULL,
	"settings" jsonb NOT NULL,
	"parameters" jsonb,
	"counts" jsonb,
	"progress" jsonb,
	"orders_seen_until" timestamp with time zone,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "customer_metric_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customer_metric_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" bigint NOT NULL,
	"run_id" bigint NOT NULL,
	"metric" text NOT NULL,
	"from_value" text,
	"to_value" text,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_metrics" (
	"customer_id" bigint PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"as_of" date NOT NULL,
	"first_purchase_on" date,
	"last_purchase_on" date,
	"recency_days" integer,
	"frequency" integer DEFAULT 0 NOT NULL,
	"monetary" numeric(16, 2) DEFAULT '0' NOT NULL,
	"margin" numeric(16, 2) DEFAULT '0' NOT NULL,
	"average_order_value" numeric(16, 2),
	"rfm_r" smallint,
	"rfm_f" smallint,
	"rfm_m" smallint,
	"rfm_segment" text,
	"rf_segment" text,
	"abc_class" text,
	"value_share" double precision,
	"value_quadrant" text,
	"p_alive" double precision,
	"expected_purchases" double precision,
	"expected_spend" double precision,
	"clv" numeric(16, 2),
	"historical_value" numeric(16, 2),
	"lifecycle_stage" text,
	"lifecycle_since" date,
	"tier" text,
	"tier_score" double precision,
	"loyalty_class" text,
	"attitude_class" text,
	"churn_score" double precision,
	"churn_level" text,
	"reasons" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_warnings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customer_warnings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"owner_id" bigint,
	"level" text NOT NULL,
	"score" double precision,
	"amount" numeric(16, 2),
	"reasons" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"task_id" bigint,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_because" text
);
--> statement-breakpoint
CREATE TABLE "sales_expenses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sales_expenses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" bigint NOT NULL,
	"customer_id" bigint,
	"spent_on" date NOT NULL,
	"amount" numeric(16, 2) NOT NULL,
	"category" text NOT NULL,
	"note" text,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_metric_history" ADD CONSTRAINT "customer_metric_history_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_metrics" ADD CONSTRAINT "customer_metrics_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_warnings" ADD CONSTRAINT "customer_warnings_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_expenses" ADD CONSTRAINT "sales_expenses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_expenses" ADD CONSTRAINT "sales_expenses_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_runs_started_idx" ON "analytics_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "customer_metric_history_customer_idx" ON "customer_metric_history" USING btree ("customer_id","changed_at");--> statement-breakpoint
CREATE INDEX "customer_metric_history_run_idx" ON "customer_metric_history" USING btree ("run_id","metric");--> statement-breakpoint
CREATE INDEX "customer_metrics_rfm_segment_idx" ON "customer_metrics" USING btree ("rfm_segment","customer_id");--> statement-breakpoint
CREATE INDEX "customer_metrics_abc_idx" ON "customer_metrics" USING btree ("abc_class","customer_id");--> statement-breakpoint
CREATE INDEX "customer_metrics_lifecycle_idx" ON "customer_metrics" USING btree ("lifecycle_stage","customer_id");--> statement-breakpoint
CREATE INDEX "customer_metrics_churn_idx" ON "customer_metrics" USING btree ("churn_level","churn_score");--> statement-breakpoint
CREATE INDEX "customer_metrics_clv_idx" ON "customer_metrics" USING btree ("clv","customer_id");--> statement-breakpoint
CREATE INDEX "customer_metrics_tier_idx" ON "customer_metrics" USING btree ("tier","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_warnings_open_key" ON "customer_warnings" USING btree ("customer_id","kind") WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX "customer_warnings_owner_idx" ON "customer_warnings" USING btree ("owner_id","kind") WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX "sales_expenses_user_idx" ON "sales_expenses" USING btree ("user_id","spent_on") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "sales_expenses_customer_idx" ON "sales_expenses" USING btree ("customer_id") WHERE deleted_at is null and customer_id is not null;