-- Filter terms answered from the index alone.  Each leaf of a filter is
-- "entity_id IN (SELECT entity_id FROM catalog.search WHERE key = $k AND
-- value = $v)" (db_filter.c); with entity_id in the index that is an
-- index-only scan, and "does entity X have k = v" one index probe, where
-- the (key, value) index had to visit a heap page per matching row.  It
-- replaces that index.  It is about three times its size (it cannot
-- deduplicate), which costs inserts: the stitcher writes each batch's rows
-- sorted by key and value (stitch.c), which pays for part of it (a
-- 10 000-entity ingestion takes about 8% longer, docs/catalog.md).
CREATE INDEX search_key_value_entity_idx ON catalog.search (key, value, entity_id);
DROP INDEX catalog.search_key_value_idx;

-- key and value are strongly correlated (the value 'component' occurs
-- under 'kind' only), and PostgreSQL multiplies their selectivities:
-- kind=component was estimated at 209 rows of 4 949, which sent list pages
-- to nested loops over every match.  A list of the most common (key,
-- value) pairs gives the planner the real counts.
CREATE STATISTICS catalog.search_key_value_stats (mcv) ON key, value FROM catalog.search;
ANALYZE catalog.search;
