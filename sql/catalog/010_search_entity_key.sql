-- The per-entity index of catalog.search becomes (entity_id, key).  It
-- still serves what the entity_id index did (an entity's rows deleted
-- when it is re-stitched or goes away), and it also finds one key of one
-- entity in one heap row: the sort columns of an ordered page (LEFT JOIN
-- ... ON entity_id = f.entity_id AND key = $k, db_query.c), and the
-- "does this entity have k = v" probe of a filtered page walked in
-- entity_ref order.  PostgreSQL chose the entity_id index for that probe
-- over the index-only (key, value, entity_id) one, and read each
-- entity's ~23 rows to keep one: GET /entities?filter=kind=component,
-- spec.type=service&limit=20 took 16 ms on the 10 000-entity bench
-- catalog, 6 ms with this index.  Its cost: 15 MB instead of 3 MB, and
-- about a tenth more time to insert the rows (docs/catalog.md).
CREATE INDEX search_entity_key_idx ON catalog.search (entity_id, key);
DROP INDEX catalog.search_entity_id_idx;
ANALYZE catalog.search;
