-- The last full sync of the OpenChoreo provider (plugins/openchoreo/db_sync.c),
-- in one row so that the status route of any pool or host shows it, whichever
-- process ran the singleton sync task.  A run that failed keeps the counts of
-- the last good one: the catalog still holds that set.
CREATE SCHEMA IF NOT EXISTS openchoreo;

CREATE TABLE openchoreo.sync_status (
	id boolean PRIMARY KEY DEFAULT true CHECK (id),
	started_at timestamptz NOT NULL,       -- the last run's start
	duration_ms bigint NOT NULL,           -- how long it took
	outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
	error text,                            -- why it failed (call and reason), or NULL
	counts jsonb NOT NULL DEFAULT '{}',    -- entities by Backstage kind of the last good run
	mutation jsonb NOT NULL DEFAULT '{}',  -- added/updated/removed/unchanged/conflicts of it
	succeeded_at timestamptz               -- the last good run's start, or NULL: none yet
);
