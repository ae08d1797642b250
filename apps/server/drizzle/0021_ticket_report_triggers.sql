-- The service-report rollups (ticket_report_cells / _minutes / _flow, see
-- src/service-reports/service-reports.table.ts) kept current by statement triggers on tickets.
-- One statement text serves both the triggers (over their transition tables) and a rebuild (over
-- the whole table): ticket_report_apply_sql returns it for a source of signed ticket rows, and the
-- caller EXECUTEs it where the source is visible — a trigger's transition tables are visible only
-- inside the trigger function itself.

-- Business minutes as the histograms keep them: exact below 1,000, else the first three digits.
CREATE FUNCTION ticket_report_bucket(v integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN v < 1000 THEN v ELSE v - v % (10 ^ (length(v::text) - 3))::integer END $$;
--> statement-breakpoint
CREATE FUNCTION ticket_report_apply_sql(src text, tz text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $body$ SELECT format($q$
  with d as materialized (
    select r.s,
      (r.created_at at time zone %2$L)::date as day,
      coalesce(r.team_id, 0) as team,
      coalesce(r.customer_tier, 'none') as tier,
      case when r.type = 'complaint' then coalesce(r.root_cause, 'unknown') else '' end as cause,
      r.sla_policy_id is not null as has_policy, r.sla_first_response as fr, r.sla_resolution as res,
      r.resolved_at is not null as resolved,
      ticket_report_bucket(r.response_business_minutes) as response,
      ticket_report_bucket(r.resolution_business_minutes) as resolution,
      coalesce(r.resolved_at >= r.created_at, true) as opens,
      coalesce((r.resolved_at at time zone %2$L)::date, 'infinity'::date) as resolved_day
    from (%1$s) r
    where r.deleted_at is null
  ), cells as (
    insert into ticket_report_cells as c (day, team, tier, cause, has_policy, fr, res, resolved, n)
    select day, team, tier, cause, has_policy, fr, res, resolved, sum(s)::integer from d
    group by day, team, tier, cause, has_policy, fr, res, resolved having sum(s) <> 0
    order by day, team, tier, cause, has_policy, fr, res, resolved
    on conflict (day, team, tier, cause, has_policy, fr, res, resolved) do update set n = c.n + excluded.n
  ), minutes as (
    -- A histogram row's arrays take the statement's counts by value; counts that fall to zero go.
    insert into ticket_report_minutes as m (grain, day, team, tier, kind, minutes, tickets)
    select grain, day, team, tier, kind, array_agg(value order by value), array_agg(n order by value)
    from (
      select g.grain, d.day, g.team, g.tier, k.kind, k.value, sum(d.s)::integer as n
      from d
        cross join lateral (values (0::smallint, -1::bigint, '*'::text), (1::smallint, d.team, '*'::text), (2::smallint, -1::bigint, d.tier), (3::smallint, d.team, d.tier)) g (grain, team, tier)
        cross join lateral (values ('response'::text, d.response), ('resolution'::text, d.resolution)) k (kind, value)
      where k.value is not null
      group by 1, 2, 3, 4, 5, 6 having sum(d.s) <> 0
    ) x
    group by grain, day, team, tier, kind
    order by grain, day, team, tier, kind
    on conflict (grain, day, team, tier, kind) do update set (minutes, tickets) = (
      select coalesce(array_agg(v order by v), '{}'), coalesce(array_agg(c order by v), '{}')
      from (
        select v, sum(c)::integer as c
        from (select * from unnest(m.minutes, m.tickets) union all select * from unnest(excluded.minutes, excluded.tickets)) u (v, c)
        group by v having sum(c) <> 0
      ) w)
  )
  insert into ticket_report_flow as f (day, team, tier, resolved_day, opens, n)
  select day, team, tier, resolved_day, opens, sum(s)::integer from d
  group by day, team, tier, resolved_day, opens having sum(s) <> 0
  order by day, team, tier, resolved_day, opens
  on conflict (day, team, tier, resolved_day, opens) do update set n = f.n + excluded.n
$q$, src, tz) $body$;
--> statement-breakpoint
-- An update counts only for tickets whose reported columns changed: the SLA job and replies touch
-- many tickets without moving them in any report.
CREATE FUNCTION ticket_report_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  tz text;
BEGIN
  SELECT time_zone INTO tz FROM ticket_report_state WHERE id = 1;
  IF tz IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    EXECUTE ticket_report_apply_sql('select 1 as s, n.* from new_rows n', tz);
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE ticket_report_apply_sql('select -1 as s, o.* from old_rows o', tz);
  ELSE
    EXECUTE ticket_report_apply_sql($src$
      with moved as (
        select o.id from old_rows o join new_rows n on n.id = o.id
        where (o.created_at, o.deleted_at, o.team_id, o.customer_tier, o.type, o.root_cause, o.sla_policy_id, o.sla_first_response,
               o.sla_resolution, o.resolved_at, o.response_business_minutes, o.resolution_business_minutes)
          is distinct from (n.created_at, n.deleted_at, n.team_id, n.customer_tier, n.type, n.root_cause, n.sla_policy_id, n.sla_first_response,
               n.sla_resolution, n.resolved_at, n.response_business_minutes, n.resolution_business_minutes)
      )
      select -1 as s, o.* from old_rows o where o.id in (select id from moved)
      union all
      select 1 as s, n.* from new_rows n where n.id in (select id from moved)
    $src$, tz);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_report_insert AFTER INSERT ON tickets REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_report_sync();
--> statement-breakpoint
CREATE TRIGGER ticket_report_update AFTER UPDATE ON tickets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_report_sync();
--> statement-breakpoint
CREATE TRIGGER ticket_report_delete AFTER DELETE ON tickets REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_report_sync();
--> statement-breakpoint
CREATE FUNCTION ticket_report_clear() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ticket_report_cells;
  DELETE FROM ticket_report_minutes;
  DELETE FROM ticket_report_flow;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_report_truncate AFTER TRUNCATE ON tickets FOR EACH STATEMENT EXECUTE FUNCTION ticket_report_clear();
--> statement-breakpoint
-- Empty until the server builds them in its time zone (service-report-rollups.ts).
INSERT INTO ticket_report_state (id, time_zone, built_at) VALUES (1, NULL, NULL);
