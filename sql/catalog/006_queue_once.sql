-- Ingestion cost (bench/catalog/ingest.sh), two changes:
--
-- An entity waits in the stitch queue at most once: processing queued a ref
-- for every statement that touched it (its own result, each parent edge,
-- each relation naming it), about five rows per entity during a first
-- ingestion, and the stitcher claimed and deleted every one.  A unique index
-- over the unclaimed rows lets every `INSERT ... ON CONFLICT DO NOTHING`
-- skip a ref that is already waiting; a claimed ref can still be queued
-- again (it changed while being stitched), as before.
DELETE FROM catalog.stitch_queue q USING catalog.stitch_queue o
	WHERE q.claimed_until IS NULL AND o.claimed_until IS NULL
	  AND q.entity_ref = o.entity_ref AND q.id > o.id;
CREATE UNIQUE INDEX stitch_queue_waiting_idx ON catalog.stitch_queue (entity_ref)
	WHERE claimed_until IS NULL;
DROP INDEX catalog.stitch_queue_entity_ref_idx;
-- A ref is claimed by one stitcher at a time (stitch.c): the claim looks for
-- a claim in force on the same ref among the few claimed rows.
CREATE INDEX stitch_queue_claimed_idx ON catalog.stitch_queue (entity_ref)
	WHERE claimed_until IS NOT NULL;

-- The cache notification once per statement instead of once per row: a
-- stitch batch writes hundreds of final entities in one statement, and the
-- listeners only need to know that something changed.  (A statement that
-- changes no row notifies too; the stitcher never runs one.)
DROP TRIGGER final_entities_changed ON catalog.final_entities;
CREATE TRIGGER final_entities_changed AFTER INSERT OR UPDATE OR DELETE ON catalog.final_entities
	FOR EACH STATEMENT EXECUTE FUNCTION catalog.notify_changed();
