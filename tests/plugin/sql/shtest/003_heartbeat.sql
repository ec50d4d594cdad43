-- shtest: the heartbeat task's table, one row per pool, and the trigger that
-- tells every process's cache of GET /api/shtest/heartbeat that it changed
-- (NOTIFY is delivered on commit; see include/stagehand/cache.h).
CREATE TABLE shtest.heartbeat (
	pool text PRIMARY KEY,
	beats bigint NOT NULL,
	last_beat timestamptz NOT NULL
);

CREATE FUNCTION shtest.heartbeat_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('shtest_changed', '');
	RETURN NULL;
END
$$;

CREATE TRIGGER heartbeat_changed AFTER INSERT OR UPDATE OR DELETE ON shtest.heartbeat
	FOR EACH STATEMENT EXECUTE FUNCTION shtest.heartbeat_changed();
