-- The board's open-column totals (opportunity_board_totals, see opportunities.table.ts) kept on
-- write by statement triggers on opportunities, so that every write path — API, import, merge,
-- reassignment, bulk SQL — keeps them without code of its own. Each trigger adds the statement's
-- signed difference per (pipeline, owner, stage) of the open, live deals it touched.
--
-- The weighted amount rounds per deal with the stage's probability, so a probability change cannot
-- be applied to a sum: the stage's rows are rebuilt from its deals in the same transaction. A
-- transaction-scoped advisory lock per stage (shared for deal writes, exclusive for the rebuild)
-- orders the two: a deal write that read the old probability either commits before the rebuild
-- reads (and is counted again with the new one) or waits and then reads the new one.
--
-- Concurrent writes to the same row are safe: `on conflict do update set deals = t.deals +
-- excluded.deals` locks the row and adds to its latest committed version (PostgreSQL re-reads it
-- after waiting, even in READ COMMITTED), so no increment is lost; keys are upserted in order so
-- that two multi-key statements cannot deadlock on each other. Rows that reach zero stay.

-- Takes the board-totals lock of each stage (advisory key 7361002, stage id) in stage order.
CREATE FUNCTION gx_board_totals_lock(stage_ids bigint[], exclusive boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE s bigint;
BEGIN
  FOR s IN SELECT DISTINCT x FROM unnest(stage_ids) x WHERE x IS NOT NULL ORDER BY x LOOP
    IF exclusive THEN
      PERFORM pg_advisory_xact_lock(7361002, (s % 2147483648)::int);
    ELSE
      PERFORM pg_advisory_xact_lock_shared(7361002, (s % 2147483648)::int);
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
-- An insert adds its deals and a delete takes its deals away: one statement over the statement's
-- transition table, signed.
CREATE FUNCTION gx_board_totals_on_insert_or_delete() RETURNS trigger
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
    INSERT INTO opportunity_board_totals AS t (pipeline_id, owner_id, stage_id, deals, amount, weighted_amount)
    SELECT r.pipeline_id, r.owner_id, r.stage_id, $1 * count(*), $1 * sum(r.amount),
      $1 * sum(round(r.amount * coalesce(r.probability_override, s.probability) / 100, 2))
    FROM %I r JOIN pipeline_stages s ON s.id = r.stage_id
    WHERE r.closed_at IS NULL AND r.deleted_at IS NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (pipeline_id, owner_id, stage_id) DO UPDATE
      SET deals = t.deals + excluded.deals, amount = t.amount + excluded.amount, weighted_amount = t.weighted_amount + excluded.weighted_amount
  $q$, rows_table) USING direction;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Only rows whose key, amount, override or openness changed count: an update that touches
-- last_activity_at or the customer takes no lock and writes no total.
CREATE FUNCTION gx_board_totals_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM gx_board_totals_lock(array(
    SELECT unnest(array[o.stage_id, n.stage_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.pipeline_id, o.owner_id, o.stage_id, o.amount, o.probability_override, o.closed_at IS NULL AND o.deleted_at IS NULL)
      IS DISTINCT FROM (n.pipeline_id, n.owner_id, n.stage_id, n.amount, n.probability_override, n.closed_at IS NULL AND n.deleted_at IS NULL)), false);
  INSERT INTO opportunity_board_totals AS t (pipeline_id, owner_id, stage_id, deals, amount, weighted_amount)
  SELECT d.pipeline_id, d.owner_id, d.stage_id, sum(d.sign), sum(d.sign * d.amount),
    sum(d.sign * round(d.amount * coalesce(d.probability_override, s.probability) / 100, 2)) AS weighted
  FROM (
    SELECT x.* FROM old_rows o JOIN new_rows n ON n.id = o.id,
      LATERAL (VALUES (-1, o.pipeline_id, o.owner_id, o.stage_id, o.amount, o.probability_override, o.closed_at IS NULL AND o.deleted_at IS NULL),
                      (1, n.pipeline_id, n.owner_id, n.stage_id, n.amount, n.probability_override, n.closed_at IS NULL AND n.deleted_at IS NULL))
        AS x (sign, pipeline_id, owner_id, stage_id, amount, probability_override, open)
    WHERE (o.pipeline_id, o.owner_id, o.stage_id, o.amount, o.probability_override, o.closed_at IS NULL AND o.deleted_at IS NULL)
      IS DISTINCT FROM (n.pipeline_id, n.owner_id, n.stage_id, n.amount, n.probability_override, n.closed_at IS NULL AND n.deleted_at IS NULL)
  ) d JOIN pipeline_stages s ON s.id = d.stage_id
  WHERE d.open
  GROUP BY 1, 2, 3
  HAVING sum(d.sign) <> 0 OR sum(d.sign * d.amount) <> 0
    OR sum(d.sign * round(d.amount * coalesce(d.probability_override, s.probability) / 100, 2)) <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT (pipeline_id, owner_id, stage_id) DO UPDATE
    SET deals = t.deals + excluded.deals, amount = t.amount + excluded.amount, weighted_amount = t.weighted_amount + excluded.weighted_amount;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION gx_board_totals_on_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM opportunity_board_totals;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A stage whose probability changed gets its rows rebuilt from its open deals.
CREATE FUNCTION gx_board_totals_on_stage_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  SELECT array_agg(n.id) INTO changed FROM new_stages n JOIN old_stages o ON o.id = n.id WHERE n.probability IS DISTINCT FROM o.probability;
  IF changed IS NULL THEN RETURN NULL; END IF;
  PERFORM gx_board_totals_lock(changed, true);
  -- from here on a new snapshot: every deal write that read the old probability has committed
  DELETE FROM opportunity_board_totals WHERE stage_id = ANY (changed);
  INSERT INTO opportunity_board_totals (pipeline_id, owner_id, stage_id, deals, amount, weighted_amount)
  SELECT o.pipeline_id, o.owner_id, o.stage_id, count(*), sum(o.amount),
    sum(round(o.amount * coalesce(o.probability_override, s.probability) / 100, 2))
  FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
  WHERE o.stage_id = ANY (changed) AND o.closed_at IS NULL AND o.deleted_at IS NULL
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Every row from scratch: for this migration, and for loaders that write with triggers off
-- (session_replication_role = replica). Blocks deal writes and stage edits while it runs.
CREATE FUNCTION gx_board_totals_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE opportunities IN SHARE MODE;
  LOCK TABLE pipeline_stages IN SHARE MODE;
  DELETE FROM opportunity_board_totals;
  INSERT INTO opportunity_board_totals (pipeline_id, owner_id, stage_id, deals, amount, weighted_amount)
  SELECT o.pipeline_id, o.owner_id, o.stage_id, count(*), sum(o.amount),
    sum(round(o.amount * coalesce(o.probability_override, s.probability) / 100, 2))
  FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
  WHERE o.closed_at IS NULL AND o.deleted_at IS NULL
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
END $$;
--> statement-breakpoint
CREATE TRIGGER opportunities_board_totals_insert AFTER INSERT ON opportunities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gx_board_totals_on_insert_or_delete();
--> statement-breakpoint
CREATE TRIGGER opportunities_board_totals_update AFTER UPDATE ON opportunities
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gx_board_totals_on_update();
--> statement-breakpoint
CREATE TRIGGER opportunities_board_totals_delete AFTER DELETE ON opportunities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gx_board_totals_on_insert_or_delete();
--> statement-breakpoint
CREATE TRIGGER opportunities_board_totals_truncate AFTER TRUNCATE ON opportunities
  FOR EACH STATEMENT EXECUTE FUNCTION gx_board_totals_on_truncate();
--> statement-breakpoint
CREATE TRIGGER pipeline_stages_board_totals_update AFTER UPDATE ON pipeline_stages
  REFERENCING OLD TABLE AS old_stages NEW TABLE AS new_stages FOR EACH STATEMENT EXECUTE FUNCTION gx_board_totals_on_stage_update();
--> statement-breakpoint
-- the triggers exist (and hold their lock on opportunities until this migration commits) before the fill
SELECT gx_board_totals_rebuild();
