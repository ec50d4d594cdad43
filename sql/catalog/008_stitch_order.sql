-- Stitchers take the waiting rows of the queue in queued_at order, and
-- queueing a ref that waits already moves its row back in that order
-- (CATALOG_QUEUE_PUSH, catalog.h), so an entity that a large ingestion
-- keeps touching is stitched after the others, not once per processing
-- batch.  This index serves that order; claims whose stitcher died are
-- given back as waiting rows by the claim itself (stitch.c).
CREATE INDEX stitch_queue_order_idx ON catalog.stitch_queue (queued_at, id)
	WHERE claimed_until IS NULL;
