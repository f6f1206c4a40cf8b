-- Equality indexes FerretDB v1 can use (ADR 14). Applied to FerretDB's Postgres database by
-- the local platform and by the cluster's Postgres bootstrap; idempotent.
--
-- FerretDB v1 pushes a Mongo equality filter down to Postgres as `_jsonb -> 'field' @> value`
-- and indexes a field with a btree over `(_jsonb -> 'field')`. A btree cannot answer `@>`, so
-- every lookup, even by `_id`, scans the whole collection. For each field FerretDB indexes,
-- this adds a GIN `jsonb_path_ops` index over the same expression, which answers `@>`: an
-- event trigger adds it whenever FerretDB creates an index, and the last statement adds it
-- for the indexes that exist already. The indexes only speed up lookups; every answer is the
-- same, and FerretDB's own indexes, metadata and uniqueness checks are untouched.

SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION public.catalog_equality_indexes(btree_index oid) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  target regclass;
  target_name name;
  access_method name;
  field text;
BEGIN
  SELECT i.indrelid::regclass, t.relname, am.amname
    INTO target, target_name, access_method
    FROM pg_index i
    JOIN pg_class ix ON ix.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ix.relam
    JOIN pg_class t ON t.oid = i.indrelid
   WHERE i.indexrelid = btree_index;
  IF access_method IS DISTINCT FROM 'btree' OR target_name LIKE '\_ferretdb\_%' THEN
    RETURN;  -- not a collection's index (or one this function created: those are GIN)
  END IF;
  -- The leading key: what a Mongo index serves an equality on (the later keys of a compound
  -- index only refine it). FerretDB writes it as `((_jsonb -> 'key'::text))`; a field name's
  -- quotes are doubled.
  field := substring(
    pg_get_indexdef(btree_index, 1, false)
    FROM '^\(*_jsonb -> ''((?:[^'']|'''')*)''::text\)*$'
  );
  IF field IS NULL THEN
    RETURN;
  END IF;
  field := replace(field, '''''', '''');
  EXECUTE format(
    'CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops)',
    left(target_name, 44) || '_' || left(md5(field), 12) || '_eq',
    target,
    field
  );
END
$fn$;

CREATE OR REPLACE FUNCTION public.catalog_equality_indexes_on_create() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  created record;
BEGIN
  FOR created IN
    SELECT objid FROM pg_event_trigger_ddl_commands()
     WHERE command_tag = 'CREATE INDEX' AND object_type = 'index'
  LOOP
    PERFORM public.catalog_equality_indexes(created.objid);
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS catalog_equality_indexes;
CREATE EVENT TRIGGER catalog_equality_indexes ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION public.catalog_equality_indexes_on_create();

DO $$
BEGIN
  PERFORM public.catalog_equality_indexes(i.indexrelid)
     FROM pg_index i
     JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace s ON s.oid = t.relnamespace
    WHERE s.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');
END
$$;
