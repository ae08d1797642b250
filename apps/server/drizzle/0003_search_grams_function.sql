-- The search keys of a text for 1- and 2-character fragments (pg_trgm needs 3 characters to use
-- its index): every 2-character window inside each whitespace-separated word, and every single
-- non-ASCII character (a Chinese surname alone is a common query). Immutable, so that generated
-- columns can use it; a GIN index over the result answers `search_grams @> array[...]`.
CREATE OR REPLACE FUNCTION gx_search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
    SELECT substr(w, i, 2) AS g
      FROM regexp_split_to_table(t, '\s+') AS w, generate_series(1, char_length(w) - 1) AS i
    UNION ALL
    SELECT c FROM regexp_split_to_table(t, '') AS c WHERE c ~ '[^\x01-\x7f]' AND c !~ '\s'
  ) s WHERE g <> ''
$$;
