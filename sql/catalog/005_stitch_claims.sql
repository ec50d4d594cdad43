-- Stitching runs in a task of its own beside processing (stitch.c).  Queue
-- rows are claimed for a while in a statement that commits at once, and
-- removed by the transaction that stitched them, so processing never waits
-- on a stitch in progress: queueing is a plain insert (an entity queued
-- twice has two rows; both are claimed together).  A stitcher that dies
-- leaves its claim to run out.
ALTER TABLE catalog.stitch_queue DROP CONSTRAINT stitch_queue_pkey;
ALTER TABLE catalog.stitch_queue ADD COLUMN id bigserial PRIMARY KEY;
ALTER TABLE catalog.stitch_queue ADD COLUMN claimed_until timestamptz;
CREATE INDEX stitch_queue_entity_ref_idx ON catalog.stitch_queue (entity_ref);
