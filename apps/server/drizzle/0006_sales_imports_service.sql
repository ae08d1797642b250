CREATE TABLE "sales_targets" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sales_targets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subject" text NOT NULL,
	"user_id" bigint,
	"department_id" bigint,
	"period" text NOT NULL,
	"period_start" date NOT NULL,
	"amount_target" numeric(14, 2),
	"count_target" integer,
	"basis" text NOT NULL,
	"notes" text,
	"deleted_at" timestamp with time zone,
	"deleted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "sales_targets_subject_check" CHECK ((subject = 'user' and user_id is not null and department_id is null) or (subject = 'department' and department_id is not null and user_id is null)),
	CONSTRAINT "sales_targets_measure_check" CHECK (amount_target is not null or count_target is not null),
	CONSTRAINT "sales_targets_start_check" CHECK (extract(day from period_start) = 1 and (period = 'month' or extract(month from period_start) in (1, 4, 7, 10)))
);
--> statement-breakpoint
CREATE TABLE "order_approval_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"amount_threshold" numeric(14, 2),
	"discount_rate_threshold" numeric(5, 4),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_return_lines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_return_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"return_id" bigint NOT NULL,
	"order_line_id" bigint NOT NULL,
	"quantity" numeric(14, 3) NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"cost" numeric(14, 2) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_returns" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_returns_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"returned_on" date NOT NULL,
	"reason" text NOT NULL,
	"amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"cost" numeric(14, 2) DEFAULT '0' NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pipeline_stages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pipeline_stages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"pipeline_id" bigint NOT NULL,
	"key" text,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"probability" integer NOT NULL,
	"kind" text NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "pipelines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pipelines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"stale_after_days" integer DEFAULT 14 NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "opportunities" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "opportunities_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"contact_id" bigint,
	"owner_id" bigint NOT NULL,
	"pipeline_id" bigint NOT NULL,
	"stage_id" bigint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"probability_override" integer,
	"expected_close_date" date,
	"competitors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"close_reason" text,
	"closed_at" timestamp with time zone,
	"lead_id" bigint,
	"stage_entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "opportunity_products" (
	"opportunity_id" bigint NOT NULL,
	"product_id" bigint NOT NULL,
	"quantity" numeric(14, 3),
	CONSTRAINT "opportunity_products_opportunity_id_product_id_pk" PRIMARY KEY("opportunity_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "opportunity_stage_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "opportunity_stage_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"opportunity_id" bigint NOT NULL,
	"from_stage_id" bigint,
	"to_stage_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" bigint,
	"seconds_in_previous" integer,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "lead_form_hits" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_forms" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lead_forms_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"public_key" text NOT NULL,
	"fields" text[] NOT NULL,
	"default_owner_id" bigint,
	"thank_you_text" text,
	"active" boolean DEFAULT true NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "leads_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"company_name" text,
	"title" text,
	"mobile" text,
	"phone" text,
	"email" text,
	"wechat" text,
	"province" text,
	"city" text,
	"source" text NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"disqualify_reason" text,
	"notes" text,
	"owner_id" bigint,
	"owner_since" timestamp with time zone,
	"pool_since" timestamp with time zone,
	"previous_owner_id" bigint,
	"last_activity_at" timestamp with time zone,
	"form_id" bigint,
	"converted_customer_id" bigint,
	"converted_contact_id" bigint,
	"converted_opportunity_id" bigint,
	"converted_at" timestamp with time zone,
	"converted_by" bigint,
	"search_text" text GENERATED ALWAYS AS (lower(coalesce(name,'') || ' ' || coalesce(company_name,'') || ' ' || coalesce(mobile,'') || ' ' || coalesce(phone,'') || ' ' || coalesce(email,'') || ' ' || coalesce(wechat,''))) STORED,
	"deleted_at" timestamp with time zone,
	"deleted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_allocations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payment_allocations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"payment_id" bigint NOT NULL,
	"instalment_id" bigint NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reversed_at" timestamp with time zone,
	CONSTRAINT "payment_allocations_amount_check" CHECK ("payment_allocations"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "payment_instalments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payment_instalments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"plan_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	"seq" integer NOT NULL,
	"due_date" date NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"paid_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"note" text,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "payment_instalments_amount_check" CHECK ("payment_instalments"."amount" > 0 and "payment_instalments"."paid_amount" >= 0 and "payment_instalments"."paid_amount" <= "payment_instalments"."amount")
);
--> statement-breakpoint
CREATE TABLE "payment_plans" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payment_plans_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"notes" text,
	"deleted_at" timestamp with time zone,
	"deleted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"customer_id" bigint NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"received_on" date NOT NULL,
	"method" text NOT NULL,
	"reference" text,
	"notes" text,
	"voided_reason" text,
	"deleted_at" timestamp with time zone,
	"deleted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "payments_amount_check" CHECK ("payments"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "import_errors" (
	"import_id" bigint NOT NULL,
	"row_number" integer NOT NULL,
	"seq" integer NOT NULL,
	"column" text,
	"reason_en" text NOT NULL,
	"reason_zh" text NOT NULL,
	"raw" jsonb NOT NULL,
	CONSTRAINT "import_errors_import_id_row_number_seq_pk" PRIMARY KEY("import_id","row_number","seq")
);
--> statement-breakpoint
CREATE TABLE "import_mappings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "import_mappings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"mapping" jsonb NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_rows" (
	"import_id" bigint NOT NULL,
	"entity" text NOT NULL,
	"entity_id" bigint NOT NULL,
	"action" text NOT NULL,
	"row_number" integer NOT NULL,
	"before" jsonb,
	"version_after" integer
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "imports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"file_path" text NOT NULL,
	"file_bytes" bigint NOT NULL,
	"format" text NOT NULL,
	"encoding" text NOT NULL,
	"detected_encoding" text,
	"delimiter" text,
	"mapping" jsonb NOT NULL,
	"duplicates" text NOT NULL,
	"owner_id" bigint,
	"status" text NOT NULL,
	"total_rows" integer,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"imported" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"resume_after_row" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "business_calendars" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "business_calendars_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"working_days" integer[] NOT NULL,
	"working_hours" jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "calendar_days_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"calendar_id" bigint NOT NULL,
	"date" date NOT NULL,
	"kind" text NOT NULL,
	"name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint
);
--> statement-breakpoint
CREATE TABLE "service_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"compensation_approval_threshold" numeric(14, 2) DEFAULT '500.00' NOT NULL,
	"complaint_visit_delay_days" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sla_policies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"importance" text,
	"priority" text,
	"first_response_minutes" integer NOT NULL,
	"resolution_minutes" integer NOT NULL,
	"near_breach_percent" integer DEFAULT 80 NOT NULL,
	"calendar_id" bigint,
	"active" boolean DEFAULT true NOT NULL,
	"precedence" integer DEFAULT 0 NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_assignment_rules" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ticket_assignment_rules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"match_type" text,
	"match_category" text,
	"strategy" text NOT NULL,
	"team_id" bigint,
	"precedence" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_attachments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ticket_attachments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" bigint NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ticket_replies" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ticket_replies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" bigint NOT NULL,
	"direction" text NOT NULL,
	"channel" text NOT NULL,
	"body" text NOT NULL,
	"author_id" bigint,
	"contact_id" bigint,
	"from_address" text,
	"external_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_steps" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ticket_steps_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" bigint NOT NULL,
	"step" text NOT NULL,
	"actor_id" bigint,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tickets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"number" text NOT NULL,
	"type" text NOT NULL,
	"subtype" text,
	"customer_id" bigint,
	"contact_id" bigint,
	"caller_name" text,
	"caller_phone" text,
	"caller_email" text,
	"channel" text NOT NULL,
	"subject" text NOT NULL,
	"description" text,
	"category" text,
	"root_cause" text,
	"priority" text DEFAULT 'normal' NOT NULL,
	"product_id" bigint,
	"order_id" bigint,
	"team_id" bigint,
	"assignee_id" bigint,
	"assigned_at" timestamp with time zone,
	"status" text DEFAULT 'new' NOT NULL,
	"complaint_stage" text,
	"customer_tier" text,
	"sla_policy_id" bigint,
	"first_response_due_at" timestamp with time zone,
	"first_response_warn_at" timestamp with time zone,
	"resolution_due_at" timestamp with time zone,
	"resolution_warn_at" timestamp with time zone,
	"first_responded_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"paused_since" timestamp with time zone,
	"paused_minutes" integer DEFAULT 0 NOT NULL,
	"response_business_minutes" integer,
	"resolution_business_minutes" integer,
	"sla_first_response" text DEFAULT 'pending' NOT NULL,
	"sla_resolution" text DEFAULT 'pending' NOT NULL,
	"near_breach" boolean DEFAULT false NOT NULL,
	"escalated_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"deleted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "return_visit_rules" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "return_visit_rules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"trigger" text NOT NULL,
	"ticket_type" text,
	"delay_days" integer DEFAULT 3 NOT NULL,
	"assign_to" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "return_visits" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "return_visits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" bigint NOT NULL,
	"ticket_id" bigint,
	"order_id" bigint,
	"rule_id" bigint,
	"scheduled_on" date NOT NULL,
	"assignee_id" bigint NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"satisfaction" integer,
	"would_recommend" integer,
	"comment" text,
	"done_at" timestamp with time zone,
	"done_by" bigint,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"text_zh" text NOT NULL,
	"text_en" text NOT NULL,
	"link" text,
	"source_key" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_merges" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customer_merges_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"survivor_id" bigint NOT NULL,
	"merged_ids" bigint[] NOT NULL,
	"survivor_changes" jsonb NOT NULL,
	"merged_before" jsonb NOT NULL,
	"moves" jsonb NOT NULL,
	"candidate_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_quality_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"stale_after_days" integer DEFAULT 180 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"updated_by" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duplicate_candidates" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "duplicate_candidates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_a_id" bigint NOT NULL,
	"customer_b_id" bigint NOT NULL,
	"evidence" jsonb NOT NULL,
	"confidence" real NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" bigint,
	"merge_id" bigint,
	CONSTRAINT "duplicate_candidates_order_check" CHECK (customer_a_id < customer_b_id)
);
--> statement-breakpoint
CREATE TABLE "mail_outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "mail_outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"reply_id" bigint NOT NULL,
	"ticket_id" bigint NOT NULL,
	"to_address" text,
	"subject" text NOT NULL,
	"message_id" text NOT NULL,
	"in_reply_to" text,
	"references" text,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "follow_ups" ALTER COLUMN "customer_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "seeded_permissions" text[];--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "mobile_e164" text GENERATED ALWAYS AS (substring(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(((case when (case when mobile ~ '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)' and length(regexp_replace(regexp_replace(mobile, '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)', ''), '[^0-9]', '', 'g')) >= 10 then regexp_replace(mobile, '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)', '') else mobile end) ~ '^ *[+]' then '+' else '' end) || regexp_replace((case when mobile ~ '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)' and length(regexp_replace(regexp_replace(mobile, '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)', ''), '[^0-9]', '', 'g')) >= 10 then regexp_replace(mobile, '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)', '') else mobile end), '[^0-9]', '', 'g')), '^00', '+'), '^[+]860', '+86'), '^(1[3-9][0-9]{9})$', '+86\1'), '^(861[3-9][0-9]{9})$', '+\1'), '^0([1-9][0-9]{8,10})$', '+86\1') from '^([+][1-9][0-9]{6,14})$')) STORED;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "phone_e164" text GENERATED ALWAYS AS (substring(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(((case when (case when phone ~ '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)' and length(regexp_replace(regexp_replace(phone, '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)', ''), '[^0-9]', '', 'g')) >= 10 then regexp_replace(phone, '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)', '') else phone end) ~ '^ *[+]' then '+' else '' end) || regexp_replace((case when phone ~ '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)' and length(regexp_replace(regexp_replace(phone, '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)', ''), '[^0-9]', '', 'g')) >= 10 then regexp_replace(phone, '( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)', '') else phone end), '[^0-9]', '', 'g')), '^00', '+'), '^[+]860', '+86'), '^(1[3-9][0-9]{9})$', '+86\1'), '^(861[3-9][0-9]{9})$', '+\1'), '^0([1-9][0-9]{8,10})$', '+86\1') from '^([+][1-9][0-9]{6,14})$')) STORED;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "email_key" text GENERATED ALWAYS AS (nullif(lower(btrim(email)), '')) STORED;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "credit_code_key" text GENERATED ALWAYS AS (nullif(upper(btrim(credit_code)), '')) STORED;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "name_key" text GENERATED ALWAYS AS (nullif(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(name), '[（(][^）)]*[）)]', '', 'g'), '[[:space:][:punct:]·・，。、“”‘’：；！？【】《》（）「」『』〈〉—…～]', '', 'g'), '(股份有限公司|有限责任公司|有限公司|股份公司|分公司|总公司|公司|集团|工作室|事务所|coltd|ltd|limited|inc|llc|corporation|corp|company|gmbh)$', ''), '(股份有限公司|有限责任公司|有限公司|股份公司|分公司|总公司|公司|集团|工作室|事务所|coltd|ltd|limited|inc|llc|corporation|corp|company|gmbh)$', ''), '^(' || regexp_replace(lower(coalesce(province, '')), '([.^$*+?(){}|\[\]\\])', '\\\1', 'g') || '|' || regexp_replace(regexp_replace(lower(coalesce(province, '')), '(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$', ''), '([.^$*+?(){}|\[\]\\])', '\\\1', 'g') || ')', ''), '^(' || regexp_replace(lower(coalesce(city, '')), '([.^$*+?(){}|\[\]\\])', '\\\1', 'g') || '|' || regexp_replace(regexp_replace(lower(coalesce(city, '')), '(自治州|地区|盟|市)$', ''), '([.^$*+?(){}|\[\]\\])', '\\\1', 'g') || ')', ''), '')) STORED;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "merged_into" bigint;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD COLUMN "lead_id" bigint;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "related_type" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "related_id" bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "returned_amount" numeric(14, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "opportunity_id" bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "approval_status" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "approver_id" bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "approval_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "approval_decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "approval_note" text;--> statement-breakpoint
ALTER TABLE "sales_targets" ADD CONSTRAINT "sales_targets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_targets" ADD CONSTRAINT "sales_targets_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_return_lines" ADD CONSTRAINT "order_return_lines_return_id_order_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."order_returns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_return_lines" ADD CONSTRAINT "order_return_lines_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_returns" ADD CONSTRAINT "order_returns_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_stages" ADD CONSTRAINT "pipeline_stages_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_stage_id_pipeline_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."pipeline_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_products" ADD CONSTRAINT "opportunity_products_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_products" ADD CONSTRAINT "opportunity_products_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_stage_history" ADD CONSTRAINT "opportunity_stage_history_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_stage_history" ADD CONSTRAINT "opportunity_stage_history_from_stage_id_pipeline_stages_id_fk" FOREIGN KEY ("from_stage_id") REFERENCES "public"."pipeline_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_stage_history" ADD CONSTRAINT "opportunity_stage_history_to_stage_id_pipeline_stages_id_fk" FOREIGN KEY ("to_stage_id") REFERENCES "public"."pipeline_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_forms" ADD CONSTRAINT "lead_forms_default_owner_id_users_id_fk" FOREIGN KEY ("default_owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_form_id_lead_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."lead_forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_instalment_id_payment_instalments_id_fk" FOREIGN KEY ("instalment_id") REFERENCES "public"."payment_instalments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_instalments" ADD CONSTRAINT "payment_instalments_plan_id_payment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."payment_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_instalments" ADD CONSTRAINT "payment_instalments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_plans" ADD CONSTRAINT "payment_plans_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_errors" ADD CONSTRAINT "import_errors_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_mappings" ADD CONSTRAINT "import_mappings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_days" ADD CONSTRAINT "calendar_days_calendar_id_business_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."business_calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_calendar_id_business_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."business_calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_replies" ADD CONSTRAINT "ticket_replies_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_steps" ADD CONSTRAINT "ticket_steps_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_merges" ADD CONSTRAINT "customer_merges_survivor_id_customers_id_fk" FOREIGN KEY ("survivor_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_candidates" ADD CONSTRAINT "duplicate_candidates_customer_a_id_customers_id_fk" FOREIGN KEY ("customer_a_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_candidates" ADD CONSTRAINT "duplicate_candidates_customer_b_id_customers_id_fk" FOREIGN KEY ("customer_b_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_reply_id_ticket_replies_id_fk" FOREIGN KEY ("reply_id") REFERENCES "public"."ticket_replies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sales_targets_user_period_key" ON "sales_targets" USING btree ("user_id","period","period_start") WHERE subject = 'user' and deleted_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "sales_targets_department_period_key" ON "sales_targets" USING btree ("department_id","period","period_start") WHERE subject = 'department' and deleted_at is null;--> statement-breakpoint
CREATE INDEX "sales_targets_period_idx" ON "sales_targets" USING btree ("period","period_start") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "order_return_lines_return_idx" ON "order_return_lines" USING btree ("return_id");--> statement-breakpoint
CREATE INDEX "order_return_lines_line_idx" ON "order_return_lines" USING btree ("order_line_id");--> statement-breakpoint
CREATE INDEX "order_returns_order_idx" ON "order_returns" USING btree ("order_id","returned_on") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "pipeline_stages_pipeline_idx" ON "pipeline_stages" USING btree ("pipeline_id","position") WHERE deleted_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "pipelines_one_default_idx" ON "pipelines" USING btree ("is_default") WHERE is_default and deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_board_idx" ON "opportunities" USING btree ("stage_id","owner_id","stage_entered_at","id","amount","probability_override","expected_close_date") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_stage_entered_idx" ON "opportunities" USING btree ("stage_id","stage_entered_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_owner_idx" ON "opportunities" USING btree ("owner_id","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_customer_idx" ON "opportunities" USING btree ("customer_id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_close_date_idx" ON "opportunities" USING btree ("expected_close_date","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_updated_idx" ON "opportunities" USING btree ("updated_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_amount_idx" ON "opportunities" USING btree ("amount","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_closed_idx" ON "opportunities" USING btree ("closed_at") WHERE deleted_at is null and closed_at is not null;--> statement-breakpoint
CREATE INDEX "opportunity_stage_history_opportunity_idx" ON "opportunity_stage_history" USING btree ("opportunity_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "lead_forms_public_key" ON "lead_forms" USING btree ("public_key");--> statement-breakpoint
CREATE INDEX "leads_owner_idx" ON "leads" USING btree ("owner_id","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_pool_idx" ON "leads" USING btree ("pool_since","id") WHERE deleted_at is null and owner_id is null;--> statement-breakpoint
CREATE INDEX "leads_created_idx" ON "leads" USING btree ("created_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_updated_idx" ON "leads" USING btree ("updated_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_name_idx" ON "leads" USING btree ("name","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_company_idx" ON "leads" USING btree ("company_name","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_last_activity_idx" ON "leads" USING btree ("last_activity_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_status_idx" ON "leads" USING btree ("status","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_search_trgm_idx" ON "leads" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "payment_allocations_payment_idx" ON "payment_allocations" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "payment_allocations_instalment_idx" ON "payment_allocations" USING btree ("instalment_id") WHERE reversed_at is null;--> statement-breakpoint
CREATE INDEX "payment_instalments_plan_idx" ON "payment_instalments" USING btree ("plan_id","seq");--> statement-breakpoint
CREATE INDEX "payment_instalments_open_due_idx" ON "payment_instalments" USING btree ("due_date","id") WHERE deleted_at is null and paid_amount < amount;--> statement-breakpoint
CREATE INDEX "payment_instalments_open_order_idx" ON "payment_instalments" USING btree ("order_id","due_date") WHERE deleted_at is null and paid_amount < amount;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_plans_order_live_key" ON "payment_plans" USING btree ("order_id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "payments_order_idx" ON "payments" USING btree ("order_id","received_on") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "payments_customer_idx" ON "payments" USING btree ("customer_id","received_on") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "payments_received_idx" ON "payments" USING btree ("received_on","id");--> statement-breakpoint
CREATE INDEX "import_rows_import_idx" ON "import_rows" USING btree ("import_id","entity","action");--> statement-breakpoint
CREATE INDEX "imports_created_idx" ON "imports" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "imports_status_idx" ON "imports" USING btree ("status") WHERE status in ('queued', 'running');--> statement-breakpoint
CREATE UNIQUE INDEX "business_calendars_default" ON "business_calendars" USING btree ("is_default") WHERE is_default and deleted_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_days_calendar_date" ON "calendar_days" USING btree ("calendar_id","date");--> statement-breakpoint
CREATE INDEX "sla_policies_match_idx" ON "sla_policies" USING btree ("importance","priority") WHERE active and deleted_at is null;--> statement-breakpoint
CREATE INDEX "ticket_attachments_ticket_idx" ON "ticket_attachments" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "ticket_replies_ticket_idx" ON "ticket_replies" USING btree ("ticket_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_replies_external" ON "ticket_replies" USING btree ("channel","external_id") WHERE external_id is not null;--> statement-breakpoint
CREATE INDEX "ticket_steps_ticket_idx" ON "ticket_steps" USING btree ("ticket_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_number" ON "tickets" USING btree ("number");--> statement-breakpoint
CREATE INDEX "tickets_assignee_idx" ON "tickets" USING btree ("assignee_id","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "tickets_assignee_assigned_idx" ON "tickets" USING btree ("assignee_id","assigned_at") WHERE assignee_id is not null;--> statement-breakpoint
CREATE INDEX "tickets_team_idx" ON "tickets" USING btree ("team_id","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "tickets_unassigned_idx" ON "tickets" USING btree ("team_id","id") WHERE deleted_at is null and assignee_id is null and status <> 'closed';--> statement-breakpoint
CREATE INDEX "tickets_customer_idx" ON "tickets" USING btree ("customer_id","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("created_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "tickets_first_due_idx" ON "tickets" USING btree ("first_response_due_at") WHERE deleted_at is null and sla_first_response = 'pending';--> statement-breakpoint
CREATE INDEX "tickets_resolution_due_idx" ON "tickets" USING btree ("resolution_due_at") WHERE deleted_at is null and sla_resolution = 'pending';--> statement-breakpoint
CREATE INDEX "return_visits_assignee_idx" ON "return_visits" USING btree ("assignee_id","scheduled_on") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "return_visits_customer_idx" ON "return_visits" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "return_visits_done_idx" ON "return_visits" USING btree ("done_at") WHERE status = 'done';--> statement-breakpoint
CREATE UNIQUE INDEX "return_visits_order" ON "return_visits" USING btree ("order_id") WHERE order_id is not null and deleted_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "return_visits_ticket_open" ON "return_visits" USING btree ("ticket_id") WHERE ticket_id is not null and deleted_at is null and status = 'scheduled';--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_source_key" ON "notifications" USING btree ("user_id","source_key") WHERE source_key is not null;--> statement-breakpoint
CREATE INDEX "customer_merges_survivor_idx" ON "customer_merges" USING btree ("survivor_id","id");--> statement-breakpoint
CREATE INDEX "customer_merges_created_idx" ON "customer_merges" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "duplicate_candidates_pair_key" ON "duplicate_candidates" USING btree ("customer_a_id","customer_b_id");--> statement-breakpoint
CREATE INDEX "duplicate_candidates_b_idx" ON "duplicate_candidates" USING btree ("customer_b_id");--> statement-breakpoint
CREATE INDEX "duplicate_candidates_open_idx" ON "duplicate_candidates" USING btree ("confidence","id") WHERE status = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "mail_outbox_reply" ON "mail_outbox" USING btree ("reply_id");--> statement-breakpoint
CREATE INDEX "mail_outbox_due_idx" ON "mail_outbox" USING btree ("next_attempt_at") WHERE status = 'queued';--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_approver_id_users_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customers_credit_code_idx" ON "customers" USING btree ("credit_code") WHERE deleted_at is null and credit_code is not null;--> statement-breakpoint
CREATE INDEX "customers_phone_idx" ON "customers" USING btree ("phone") WHERE deleted_at is null and phone is not null;--> statement-breakpoint
CREATE INDEX "customers_mobile_e164_idx" ON "customers" USING btree ("mobile_e164") WHERE deleted_at is null and mobile_e164 is not null;--> statement-breakpoint
CREATE INDEX "customers_phone_e164_idx" ON "customers" USING btree ("phone_e164") WHERE deleted_at is null and phone_e164 is not null;--> statement-breakpoint
CREATE INDEX "customers_email_key_idx" ON "customers" USING btree ("email_key") WHERE deleted_at is null and email_key is not null;--> statement-breakpoint
CREATE INDEX "customers_credit_code_key_idx" ON "customers" USING btree ("credit_code_key") WHERE deleted_at is null and credit_code_key is not null;--> statement-breakpoint
CREATE INDEX "customers_name_key_trgm_idx" ON "customers" USING gin ("name_key" gin_trgm_ops) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "follow_ups_lead_idx" ON "follow_ups" USING btree ("lead_id","occurred_at","id") WHERE lead_id is not null and deleted_at is null;--> statement-breakpoint
CREATE INDEX "tasks_related_idx" ON "tasks" USING btree ("related_type","related_id") WHERE related_type is not null;--> statement-breakpoint
CREATE INDEX "orders_approver_idx" ON "orders" USING btree ("approver_id","id") WHERE deleted_at is null and approval_status = 'pending';--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_subject_check" CHECK (customer_id is not null or lead_id is not null);