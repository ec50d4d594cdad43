-- When each resource's event was last applied (db_events.c): a full sync
-- reads the API for seconds before its one write, so an event applied
-- meanwhile may be overwritten by the older content the sync read.  The
-- sync queues the resources applied during its run again
-- (oc_events_requeue_recent).  One row per resource; rows older than an
-- hour are pruned by that same call.
CREATE TABLE openchoreo.event_applied (
	kind text NOT NULL,
	namespace text NOT NULL,
	name text NOT NULL,
	applied_at timestamptz NOT NULL,
	PRIMARY KEY (kind, namespace, name)
);
CREATE INDEX event_applied_at_idx ON openchoreo.event_applied (applied_at);
