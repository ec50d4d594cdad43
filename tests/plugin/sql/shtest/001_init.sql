-- shtest: a counter that GET /api/shtest/count increments, so the tests can
-- see that the plugin's migrations ran.
CREATE SCHEMA shtest;

CREATE TABLE shtest.counter (
	id integer PRIMARY KEY,
	n bigint NOT NULL
);

INSERT INTO shtest.counter (id, n) VALUES (1, 0);
