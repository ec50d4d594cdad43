-- Stitchers take the waiting rows of the queue in the order of their last
-- touch (queued_at; queueing a ref that waits already touches its row), so
-- an entity that a large ingestion keeps touching is stitched once the
-- touches stop, not once per processing batch.  This index serves that
-- order; claims whose stitcher died are given back as waiting rows by the
-- claim itself (stitch.c).
CREATE INDEX stitch_queue_order_idx ON catalog.stitch_queue (queued_at, id)
	WHERE claimed_until IS NULL;
