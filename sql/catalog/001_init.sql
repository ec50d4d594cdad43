-- The catalog's storage (spec §9.9, DESIGN.md §4): processing rows with
-- their refresh schedule, parent edges, relations, final entities stored as
-- the JSON text the API sends, the flattened search index, registered
-- locations, the stitch queue, and the versioned functions other plugins
-- read entities through.
CREATE SCHEMA IF NOT EXISTS catalog;

-- One row per entity known to processing.  entity_id is the entity's uid.
CREATE TABLE catalog.refresh_state (
	entity_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	entity_ref text NOT NULL UNIQUE,            -- canonical lower-case kind:namespace/name
	unprocessed_entity text NOT NULL,           -- JSON as emitted by its parent
	unprocessed_hash text NOT NULL,             -- SHA-1 hex of unprocessed_entity
	processed_entity text,                      -- JSON after the last successful processing
	result_hash text,                           -- SHA-1 of the last result; same result, no writes
	errors text,                                -- JSON array of {name, message}, NULL when ok
	location_key text,                          -- "file:/x.yaml" it was read from (conflicts, §9.7)
	next_update_at timestamptz NOT NULL DEFAULT now(),
	last_discovery_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_state_next_update_at_idx ON catalog.refresh_state (next_update_at);

-- Which entity (or provider, source_key) emitted which: the processing graph.
CREATE TABLE catalog.refresh_state_references (
	id bigserial PRIMARY KEY,
	source_key text,
	source_entity_ref text REFERENCES catalog.refresh_state (entity_ref) ON DELETE CASCADE,
	target_entity_ref text NOT NULL REFERENCES catalog.refresh_state (entity_ref) ON DELETE CASCADE,
	CHECK ((source_key IS NULL) <> (source_entity_ref IS NULL))
);
CREATE INDEX refresh_state_references_source_key_idx ON catalog.refresh_state_references (source_key);
CREATE INDEX refresh_state_references_source_ref_idx ON catalog.refresh_state_references (source_entity_ref);
CREATE INDEX refresh_state_references_target_ref_idx ON catalog.refresh_state_references (target_entity_ref);

-- Relation rows (spec §8), replaced as a whole when their originator is processed.
CREATE TABLE catalog.relations (
	originating_entity_id uuid NOT NULL REFERENCES catalog.refresh_state (entity_id) ON DELETE CASCADE,
	source_entity_ref text NOT NULL,
	type text NOT NULL,
	target_entity_ref text NOT NULL
);
CREATE INDEX relations_originating_idx ON catalog.relations (originating_entity_id);
CREATE INDEX relations_source_idx ON catalog.relations (source_entity_ref);

-- What the API serves: the stitched entity as JSON text, ready to send.
CREATE TABLE catalog.final_entities (
	entity_id uuid PRIMARY KEY REFERENCES catalog.refresh_state (entity_id) ON DELETE CASCADE,
	entity_ref text NOT NULL UNIQUE,
	final_entity text NOT NULL,
	hash text NOT NULL,                          -- SHA-1 hex; the etag unless the source set one
	last_updated_at timestamptz NOT NULL DEFAULT now()
);

-- The flattened index of spec §4.3: keys and values lower-cased.
CREATE TABLE catalog.search (
	entity_id uuid NOT NULL REFERENCES catalog.final_entities (entity_id) ON DELETE CASCADE,
	key text NOT NULL,
	value text,
	original_value text
);
CREATE INDEX search_key_value_idx ON catalog.search (key, value);
CREATE INDEX search_entity_id_idx ON catalog.search (entity_id);

-- Locations registered through the API (config locations are not rows).
CREATE TABLE catalog.locations (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	type text NOT NULL,
	target text NOT NULL,
	location_entity_ref text NOT NULL,
	UNIQUE (type, target)
);

-- Entities whose final JSON must be rebuilt (their processing result,
-- relations or parents changed).
CREATE TABLE catalog.stitch_queue (
	entity_ref text PRIMARY KEY,
	queued_at timestamptz NOT NULL DEFAULT now()
);

-- Cross-plugin interface (DESIGN.md §2).  Versioned: a changed signature or
-- meaning gets a new _vN function and the old one stays.
-- The final JSON of an entity by ref (any case; kind:namespace/name), or NULL.
CREATE FUNCTION catalog.entity_by_ref_v1(ref text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT final_entity FROM catalog.final_entities WHERE entity_ref = lower(ref)
$$;

-- Entities carrying annotation `key` (exact key, case-insensitive as in
-- filters) whose value is exactly `value`, or any value when value is NULL.
CREATE FUNCTION catalog.entities_by_annotation_v1(key text, value text)
RETURNS TABLE (entity_ref text, final_entity text)
LANGUAGE sql STABLE AS $$
	SELECT f.entity_ref, f.final_entity
	FROM catalog.final_entities f
	WHERE f.entity_id IN (SELECT s.entity_id FROM catalog.search s
			      WHERE s.key = lower('metadata.annotations.' || $1))
	  AND ($2 IS NULL OR f.final_entity::jsonb -> 'metadata' -> 'annotations' ->> $1 = $2)
	ORDER BY f.entity_ref
$$;
