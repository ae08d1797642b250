CREATE TABLE "opportunity_board_totals" (
	"pipeline_id" bigint NOT NULL,
	"owner_id" bigint NOT NULL,
	"stage_id" bigint NOT NULL,
	"deals" integer NOT NULL,
	"amount" numeric(20, 2) NOT NULL,
	"weighted_amount" numeric(20, 2) NOT NULL,
	CONSTRAINT "opportunity_board_totals_pipeline_id_owner_id_stage_id_pk" PRIMARY KEY("pipeline_id","owner_id","stage_id")
);
--> statement-breakpoint
CREATE TABLE "ticket_report_cells" (
	"day" date NOT NULL,
	"team" bigint NOT NULL,
	"tier" text NOT NULL,
	"cause" text NOT NULL,
	"has_policy" boolean NOT NULL,
	"fr" text NOT NULL,
	"res" text NOT NULL,
	"resolved" boolean NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "ticket_report_cells_day_team_tier_cause_has_policy_fr_res_resolved_pk" PRIMARY KEY("day","team","tier","cause","has_policy","fr","res","resolved")
);
--> statement-breakpoint
CREATE TABLE "ticket_report_flow" (
	"day" date NOT NULL,
	"resolved_day" date NOT NULL,
	"team" bigint NOT NULL,
	"tier" text NOT NULL,
	"opens" boolean NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "ticket_report_flow_day_team_tier_resolved_day_opens_pk" PRIMARY KEY("day","team","tier","resolved_day","opens")
);
--> statement-breakpoint
CREATE TABLE "ticket_report_minutes" (
	"grain" smallint NOT NULL,
	"day" date NOT NULL,
	"team" bigint NOT NULL,
	"tier" text NOT NULL,
	"kind" text NOT NULL,
	"minutes" integer[] NOT NULL,
	"tickets" integer[] NOT NULL,
	CONSTRAINT "ticket_report_minutes_grain_day_team_tier_kind_pk" PRIMARY KEY("grain","day","team","tier","kind")
);
--> statement-breakpoint
CREATE TABLE "ticket_report_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"time_zone" text,
	"built_at" timestamp with time zone,
	CONSTRAINT "ticket_report_state_single" CHECK (id = 1)
);
