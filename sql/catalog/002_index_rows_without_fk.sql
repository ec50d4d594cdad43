-- Search rows without a foreign key to final_entities: its per-row check
-- (one lookup and one row lock on the final entity for each of ~25 rows per
-- entity) cost PostgreSQL more than the COPY of the rows themselves
-- (bench/catalog).  Triggers keep what ON DELETE CASCADE did: an entity's
-- search rows go with its final entity, however that row is deleted
-- (directly, or cascading from catalog.refresh_state), and emptying
-- final_entities empties the index.
ALTER TABLE catalog.search DROP CONSTRAINT IF EXISTS search_entity_id_fkey;

CREATE OR REPLACE FUNCTION catalog.search_drop_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM catalog.search WHERE entity_id = OLD.entity_id;
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION catalog.search_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	-- (A DELETE: TRUNCATE is refused when the statement that fired this
	-- also names catalog.search, which it then has emptied already.)
	DELETE FROM catalog.search;
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS final_entities_search_rows ON catalog.final_entities;
CREATE TRIGGER final_entities_search_rows AFTER DELETE ON catalog.final_entities
	FOR EACH ROW EXECUTE FUNCTION catalog.search_drop_rows();
DROP TRIGGER IF EXISTS final_entities_search_truncate ON catalog.final_entities;
CREATE TRIGGER final_entities_search_truncate AFTER TRUNCATE ON catalog.final_entities
	FOR EACH STATEMENT EXECUTE FUNCTION catalog.search_truncate();

-- The same for relation rows (~5 per entity) and the processing row that
-- originated them.
ALTER TABLE catalog.relations DROP CONSTRAINT IF EXISTS relations_originating_entity_id_fkey;

CREATE OR REPLACE FUNCTION catalog.relations_drop_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM catalog.relations WHERE originating_entity_id = OLD.entity_id;
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION catalog.relations_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM catalog.relations;
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS refresh_state_relation_rows ON catalog.refresh_state;
CREATE TRIGGER refresh_state_relation_rows AFTER DELETE ON catalog.refresh_state
	FOR EACH ROW EXECUTE FUNCTION catalog.relations_drop_rows();
DROP TRIGGER IF EXISTS refresh_state_relations_truncate ON catalog.refresh_state;
CREATE TRIGGER refresh_state_relations_truncate AFTER TRUNCATE ON catalog.refresh_state
	FOR EACH STATEMENT EXECUTE FUNCTION catalog.relations_truncate();
