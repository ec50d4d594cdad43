-- Parent edges without foreign keys to catalog.refresh_state, as 002 did
-- for search and relation rows: a Location's write checked both ends of
-- each new edge (a lookup and a row lock each), 20 000 checks for a
-- 10 000-entity file, about a third of that write, which runs before
-- anything else of an ingestion can (docs/catalog.md).
--
-- What the keys did is kept:
-- - ON DELETE CASCADE: a statement trigger removes the edges from and to
--   the deleted rows, once per statement (the cascade ran once per row).
-- - No edge from a parent that is gone: the children upsert locks its
--   parents (FOR KEY SHARE, as the key check did) and writes edges only
--   from those it locked (db_processing.c); a child's row is its own
--   write's, locked until commit.
-- - TRUNCATE of refresh_state empties the edges.
ALTER TABLE catalog.refresh_state_references
	DROP CONSTRAINT IF EXISTS refresh_state_references_source_entity_ref_fkey,
	DROP CONSTRAINT IF EXISTS refresh_state_references_target_entity_ref_fkey;

CREATE OR REPLACE FUNCTION catalog.edges_drop_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM catalog.refresh_state_references e USING gone g
		WHERE e.source_entity_ref = g.entity_ref;
	DELETE FROM catalog.refresh_state_references e USING gone g
		WHERE e.target_entity_ref = g.entity_ref;
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION catalog.edges_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	-- (A DELETE, as in 002: the TRUNCATE may name this table too.)
	DELETE FROM catalog.refresh_state_references;
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS refresh_state_edges ON catalog.refresh_state;
CREATE TRIGGER refresh_state_edges AFTER DELETE ON catalog.refresh_state
	REFERENCING OLD TABLE AS gone
	FOR EACH STATEMENT EXECUTE FUNCTION catalog.edges_drop_rows();
DROP TRIGGER IF EXISTS refresh_state_edges_truncate ON catalog.refresh_state;
CREATE TRIGGER refresh_state_edges_truncate AFTER TRUNCATE ON catalog.refresh_state
	FOR EACH STATEMENT EXECUTE FUNCTION catalog.edges_truncate();
