-- The events ingress's durable queue (plugins/openchoreo/db_events.c; spec
-- openchoreo-provider.md §4): one pending row per resource, a burst of
-- events coalesced into it, applied by any process's "openchoreo.events"
-- task.  Rows live in PostgreSQL, so a pool restart loses none.
CREATE SCHEMA IF NOT EXISTS openchoreo;

CREATE TABLE openchoreo.event_queue (
	kind text NOT NULL,               -- lower-case event kind ("component")
	namespace text NOT NULL,          -- as the forwarder sent it ("" for cluster kinds)
	name text NOT NULL,
	action text NOT NULL,             -- the last action received; only logged
	events bigint NOT NULL DEFAULT 1, -- events coalesced into this row
	first_at timestamptz NOT NULL DEFAULT clock_timestamp(), -- the first of this burst
	due_at timestamptz NOT NULL,      -- not applied before (debounce, retry backoff)
	claimed_until timestamptz,        -- a task is applying it until then
	attempts int NOT NULL DEFAULT 0,  -- failed applies so far
	PRIMARY KEY (kind, namespace, name)
);
CREATE INDEX event_queue_due_idx ON openchoreo.event_queue (due_at);

-- The counters the status route shows, since the database was made.  One
-- row; `pending` is the queue's row count, kept by the statements that
-- add and delete rows so the bound costs no count(*).  `shedding`: the
-- last event was shed, so the next shed is not logged again.
CREATE TABLE openchoreo.event_counts (
	id boolean PRIMARY KEY DEFAULT true CHECK (id),
	received bigint NOT NULL DEFAULT 0,
	coalesced bigint NOT NULL DEFAULT 0,
	applied bigint NOT NULL DEFAULT 0,
	failed bigint NOT NULL DEFAULT 0,
	dropped bigint NOT NULL DEFAULT 0,
	shed bigint NOT NULL DEFAULT 0,
	pending bigint NOT NULL DEFAULT 0,
	shedding boolean NOT NULL DEFAULT false
);
INSERT INTO openchoreo.event_counts DEFAULT VALUES;
