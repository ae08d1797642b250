-- The board's kept totals per currency as well (see 0022): a column's deals in CNY and in USD are
-- two sums, never one. The rows are emptied, keyed again with the currency, and rebuilt at the end
-- by the replaced functions. The board indexes carry the currency so live totals stay index-only.
DELETE FROM "opportunity_board_totals";--> statement-breakpoint
ALTER TABLE "opportunity_board_totals" DROP CONSTRAINT "opportunity_board_totals_pipeline_id_owner_id_stage_id_pk";--> statement-breakpoint
ALTER TABLE "opportunity_board_totals" ADD COLUMN "currency" text NOT NULL;--> statement-breakpoint
ALTER TABLE "opportunity_board_totals" ADD CONSTRAINT "opportunity_board_totals_pipeline_id_owner_id_stage_id_currency_pk" PRIMARY KEY("pipeline_id","owner_id","stage_id","currency");--> statement-breakpoint
DROP INDEX "opportunities_board_open_idx";--> statement-breakpoint
DROP INDEX "opportunities_board_closed_idx";--> statement-breakpoint
CREATE INDEX "opportunities_board_open_idx" ON "opportunities" USING btree ("pipeline_id","owner_id","stage_id","stage_entered_at","id","amount","probability_override","expected_close_date","currency") WHERE closed_at is null and deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_board_closed_idx" ON "opportunities" USING btree ("pipeline_id","owner_id","closed_at","id","stage_id","amount","probability_override","currency") WHERE closed_at is not null and deleted_at is null;--> statement-breakpoint
CREATE OR REPLACE FUNCTION gx_board_totals_on_insert_or_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows_table text := CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END;
  direction integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
  stages bigint[];
BEGIN
  EXECUTE format('SELECT array(SELECT r.stage_id FROM %I r WHERE r.closed_at IS NULL AND r.deleted_at IS NULL)', rows_table) INTO stages;
  PERFORM gx_board_totals_lock(stages, false);
  -- a new statement, so a new snapshot: it sees the probability the lock waited for
  EXECUTE format($q$
    INSERT INTO opportunity_board_totals AS t (pipeline_id, owner_id, stage_id, currency, deals, amount, weighted_amount)
    SELECT r.pipeline_id, r.owner_id, r.stage_id, r.currency, $1 * count(*), $1 * sum(r.amount),
      $1 * sum(round(r.amount * coalesce(r.probability_override, s.probability) / 100, 2))
    FROM %I r JOIN pipeline_stages s ON s.id = r.stage_id
    WHERE r.closed_at IS NULL AND r.deleted_at IS NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (pipeline_id, owner_id, stage_id, currency) DO UPDATE
      SET deals = t.deals + excluded.deals, amount = t.amount + excluded.amount, weighted_amount = t.weighted_amount + excluded.weighted_amount
  $q$, rows_table) USING direction;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A change of currency moves the deal from one key to another, like a change of stage or owner.
CREATE OR REPLACE FUNCTION gx_board_totals_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM gx_board_totals_lock(array(
    SELECT unnest(array[o.stage_id, n.stage_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.pipeline_id, o.owner_id, o.stage_id, o.currency, o.amount, o.probability_override, o.closed_at IS NULL AND o.deleted_at IS NULL)
      IS DISTINCT FROM (n.pipeline_id, n.owner_id, n.stage_id, n.currency, n.amount, n.probability_override, n.closed_at IS NULL AND n.deleted_at IS NULL)), false);
  INSERT INTO opportunity_board_totals AS t (pipeline_id, owner_id, stage_id, currency, deals, amount, weighted_amount)
  SELECT d.pipeline_id, d.owner_id, d.stage_id, d.currency, sum(d.sign), sum(d.sign * d.amount),
    sum(d.sign * round(d.amount * coalesce(d.probability_override, s.probability) / 100, 2)) AS weighted
  FROM (
    SELECT x.* FROM old_rows o JOIN new_rows n ON n.id = o.id,
      LATERAL (VALUES (-1, o.pipeline_id, o.owner_id, o.stage_id, o.currency, o.amount, o.probability_override, o.closed_at IS NULL AND o.deleted_at IS NULL),
                      (1, n.pipeline_id, n.owner_id, n.stage_id, n.currency, n.amount, n.probability_override, n.closed_at IS NULL AND n.deleted_at IS NULL))
        AS x (sign, pipeline_id, owner_id, stage_id, currency, amount, probability_override, open)
    WHERE (o.pipeline_id, o.owner_id, o.stage_id, o.currency, o.amount, o.probability_override, o.closed_at IS NULL AND o.deleted_at IS NULL)
      IS DISTINCT FROM (n.pipeline_id, n.owner_id, n.stage_id, n.currency, n.amount, n.probability_override, n.closed_at IS NULL AND n.deleted_at IS NULL)
  ) d JOIN pipeline_stages s ON s.id = d.stage_id
  WHERE d.open
  GROUP BY 1, 2, 3, 4
  HAVING sum(d.sign) <> 0 OR sum(d.sign * d.amount) <> 0
    OR sum(d.sign * round(d.amount * coalesce(d.probability_override, s.probability) / 100, 2)) <> 0
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (pipeline_id, owner_id, stage_id, currency) DO UPDATE
    SET deals = t.deals + excluded.deals, amount = t.amount + excluded.amount, weighted_amount = t.weighted_amount + excluded.weighted_amount;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION gx_board_totals_on_stage_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  SELECT array_agg(n.id) INTO changed FROM new_stages n JOIN old_stages o ON o.id = n.id WHERE n.probability IS DISTINCT FROM o.probability;
  IF changed IS NULL THEN RETURN NULL; END IF;
  PERFORM gx_board_totals_lock(changed, true);
  -- from here on a new snapshot: every deal write that read the old probability has committed
  DELETE FROM opportunity_board_totals WHERE stage_id = ANY (changed);
  INSERT INTO opportunity_board_totals (pipeline_id, owner_id, stage_id, currency, deals, amount, weighted_amount)
  SELECT o.pipeline_id, o.owner_id, o.stage_id, o.currency, count(*), sum(o.amount),
    sum(round(o.amount * coalesce(o.probability_override, s.probability) / 100, 2))
  FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
  WHERE o.stage_id = ANY (changed) AND o.closed_at IS NULL AND o.deleted_at IS NULL
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION gx_board_totals_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE opportunities IN SHARE MODE;
  LOCK TABLE pipeline_stages IN SHARE MODE;
  DELETE FROM opportunity_board_totals;
  INSERT INTO opportunity_board_totals (pipeline_id, owner_id, stage_id, currency, deals, amount, weighted_amount)
  SELECT o.pipeline_id, o.owner_id, o.stage_id, o.currency, count(*), sum(o.amount),
    sum(round(o.amount * coalesce(o.probability_override, s.probability) / 100, 2))
  FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
  WHERE o.closed_at IS NULL AND o.deleted_at IS NULL
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
END $$;
--> statement-breakpoint
SELECT gx_board_totals_rebuild();
