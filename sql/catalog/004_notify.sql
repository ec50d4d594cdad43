-- Every change of what the read routes serve is announced on the channel
-- catalog_changed, so each pool's response cache (the [catalog]
-- read_cache_mb key, <stagehand/cache.h>) drops its entries.  NOTIFY is
-- transactional: the announcement goes out when the change commits, and
-- PostgreSQL folds the identical notifications of one transaction into one.
-- Search rows only change with their final entity, so this one table is
-- enough.  A row trigger, not a statement trigger: an UPDATE that touches
-- no row (the stitcher's unchanged hash) must not empty every cache.
CREATE FUNCTION catalog.notify_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('catalog_changed', '');
	RETURN NULL;
END
$$;

CREATE TRIGGER final_entities_changed AFTER INSERT OR UPDATE OR DELETE ON catalog.final_entities
	FOR EACH ROW EXECUTE FUNCTION catalog.notify_changed();
CREATE TRIGGER final_entities_truncated AFTER TRUNCATE ON catalog.final_entities
	FOR EACH STATEMENT EXECUTE FUNCTION catalog.notify_changed();
