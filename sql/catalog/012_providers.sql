-- The catalog's interface for entity providers (docs/catalog.md,
-- "Providers"; spec catalog.md §9.7): Backstage's DefaultProviderDatabase
-- as two SQL functions that any plugin calls on its own connection.
--
--   catalog.provider_full_v1(provider, location_key, entities text[])
--     this provider's whole set: new refs inserted, changed texts updated,
--     refs it emitted last time but not now deleted (with the descendants
--     left without another parent);
--   catalog.provider_delta_v1(provider, location_key, added text[], removed text[])
--     the named entities upserted, the named refs removed.
--
-- Both return one row (added, updated, removed, unchanged, conflicts) and
-- are one transaction's worth of set-based statements: a call commits or
-- rolls back with its caller's transaction, whole.  Versioned: a changed
-- signature or meaning gets a _v2 and these stay.
--
-- An entity is the provider's JSON text, stored byte for byte as
-- refresh_state.unprocessed_entity (key order is the provider's); its
-- fields are read through jsonb, never stored as jsonb.  Processing,
-- validation, relations and stitching then run as for an entity a
-- location emitted (processing.c), with the provider's name as the source
-- key of its root edge and `location_key` as its owner.  A provider row's
-- unprocessed_hash is the SHA-256 hex of its text (built in; pgcrypto's
-- SHA-1 may be missing): only these functions read it, and they compare
-- texts, not hashes, to find the unchanged.

-- ASCII lower case, as ref.c's tolower() in the C locale: refs computed
-- here and in C must be the same bytes.
CREATE FUNCTION catalog.provider_lower(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT translate(t, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
$$;

-- The envelope check on an entity object's apiVersion, kind and
-- metadata: non-empty strings apiVersion, kind and metadata.name.
CREATE FUNCTION catalog.provider_envelope_ok(api jsonb, kind jsonb, meta jsonb)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT coalesce(jsonb_typeof(api) = 'string' AND api #>> '{}' <> ''
		AND jsonb_typeof(kind) = 'string' AND kind #>> '{}' <> ''
		AND jsonb_typeof(meta -> 'name') = 'string' AND meta ->> 'name' <> '', false)
$$;

-- catalog_ref_of_entity (ref.c): kind:namespace/name lower-cased, the
-- namespace "default" when it is not a non-empty string.
CREATE FUNCTION catalog.provider_ref_of(kind jsonb, meta jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT catalog.provider_lower((kind #>> '{}') || ':' ||
		CASE WHEN jsonb_typeof(meta -> 'namespace') = 'string'
			AND meta ->> 'namespace' <> ''
		THEN meta ->> 'namespace' ELSE 'default' END
		|| '/' || (meta ->> 'name'))
$$;

-- How the rejected entity `i` of a mutation is named in the error: its
-- position and its first 200 characters.
CREATE FUNCTION catalog.provider_reject(entities text[], i bigint, why text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = '22023',
		MESSAGE = format('provider mutation rejected: entity %s of %s %s: %s', i,
				 cardinality(entities), why,
				 coalesce(left(entities[i], 200), 'NULL')),
		HINT = 'apiVersion, kind and metadata.name must be non-empty strings';
END
$$;

-- The first entity whose text is not a JSON object that jsonb takes (a
-- syntax error, a \u0000, an array): the error path only, one cast per
-- entity.
CREATE FUNCTION catalog.provider_first_unparsable(entities text[]) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
	FOR i IN 1 .. coalesce(cardinality(entities), 0) LOOP
		BEGIN
			IF jsonb_typeof(entities[i]::jsonb) IS DISTINCT FROM 'object' THEN
				RETURN i;
			END IF;
		EXCEPTION WHEN others THEN
			RETURN i;
		END;
	END LOOP;
	RETURN NULL;
END
$$;

-- The entities of a mutation as parallel arrays (ref, text), one element
-- per ref (the last entity of a ref wins); 22023 names the first entity
-- that fails the envelope check.  A text equal to the stored text of a row
-- that `prov` links and `lkey` owns passed the check when it was stored,
-- and its ref is that row's: only the other texts are parsed (parsing is
-- most of the cost of a re-sync that changes little).  A small call (an
-- event's delta) parses its few texts rather than read the provider's
-- every row.
CREATE FUNCTION catalog.provider_parse(entities text[], prov text, lkey text,
	OUT refs text[], OUT texts text[])
LANGUAGE plpgsql AS $$
DECLARE
	bad bigint;
BEGIN
	bad := array_position(entities, NULL);
	IF bad IS NOT NULL THEN
		PERFORM catalog.provider_reject(entities, bad, 'is NULL');
	END IF;
	BEGIN
		-- (Each new text is parsed once, as the argument of
		-- jsonb_to_record, which refuses anything but an object.)
		WITH u AS (SELECT * FROM unnest(entities) WITH ORDINALITY AS u(t, i)),
		known AS (SELECT r.entity_ref, r.unprocessed_entity
			  FROM catalog.refresh_state_references e
			  JOIN catalog.refresh_state r ON r.entity_ref = e.target_entity_ref
			  WHERE e.source_key = prov AND r.location_key = lkey
			  AND cardinality(entities) > 100),
		k AS (SELECT u.t, u.i, known.entity_ref AS r FROM u
		      LEFT JOIN known ON known.unprocessed_entity = u.t),
		x AS (SELECT k.t, k.i, true AS ok, k.r FROM k WHERE k.r IS NOT NULL
		      UNION ALL
		      SELECT k.t, k.i, catalog.provider_envelope_ok(h."apiVersion", h.kind,
				h.metadata), catalog.provider_ref_of(h.kind, h.metadata)
		      FROM k, LATERAL jsonb_to_record(k.t::jsonb)
				AS h("apiVersion" jsonb, kind jsonb, metadata jsonb)
		      WHERE k.r IS NULL),
		d AS (SELECT DISTINCT ON (r) r, t FROM x WHERE ok ORDER BY r, i DESC)
		SELECT (SELECT min(i) FROM x WHERE NOT ok), array_agg(d.r), array_agg(d.t)
		INTO bad, refs, texts FROM d;
	EXCEPTION WHEN invalid_text_representation OR untranslatable_character
		OR invalid_parameter_value THEN
		PERFORM catalog.provider_reject(entities,
			catalog.provider_first_unparsable(entities), 'is not a JSON object');
	END;
	IF bad IS NOT NULL THEN
		PERFORM catalog.provider_reject(entities, bad, 'fails the envelope check');
	END IF;
	refs := coalesce(refs, '{}');
	texts := coalesce(texts, '{}');
END
$$;

-- Upserts the parsed entities as roots of `prov` owned by `lkey` and links
-- them.  A ref whose row another non-NULL location key owns is a conflict:
-- left alone, not linked.  A row is written only when it is new, its text
-- changed or it had no owner; written rows are due now.  A root edge
-- added to an entity that already has a final entity queues its stitch
-- (its orphan flag goes).  Returns the counts and the refs now this
-- provider's (`kept`, for the full mutation's deletions).
CREATE FUNCTION catalog.provider_upsert(prov text, lkey text, refs text[], texts text[],
	OUT n_added int, OUT n_updated int, OUT n_unchanged int, OUT n_conflicts int,
	OUT n_queued int, OUT kept text[])
LANGUAGE plpgsql AS $$
DECLARE
	lost text;
BEGIN
	WITH n AS (SELECT * FROM unnest(refs, texts) AS n(ref, t)),
	cur AS (SELECT n.ref, r.location_key AS k, r.unprocessed_entity = n.t AS same,
		       r.processed_entity IS NOT NULL AS processed
		FROM n JOIN catalog.refresh_state r ON r.entity_ref = n.ref),
	linked AS (SELECT e.target_entity_ref AS ref FROM catalog.refresh_state_references e
		   JOIN n ON e.target_entity_ref = n.ref WHERE e.source_key = prov),
	w AS (SELECT n.ref, n.t FROM n LEFT JOIN cur ON cur.ref = n.ref
	      WHERE cur.ref IS NULL OR cur.k IS NULL OR (cur.k = lkey AND NOT cur.same)),
	up AS (INSERT INTO catalog.refresh_state
		(entity_ref, unprocessed_entity, unprocessed_hash, location_key)
		SELECT w.ref, w.t, encode(sha256(convert_to(w.t, 'UTF8')), 'hex'), lkey
		FROM w ORDER BY w.ref
		ON CONFLICT (entity_ref) DO UPDATE SET
		unprocessed_entity = EXCLUDED.unprocessed_entity,
		unprocessed_hash = EXCLUDED.unprocessed_hash,
		location_key = EXCLUDED.location_key,
		last_discovery_at = now(), next_update_at = now()
		WHERE refresh_state.location_key IS NULL
		OR refresh_state.location_key = EXCLUDED.location_key
		RETURNING entity_ref AS ref, xmax = 0 AS fresh),
	mine AS (SELECT up.ref, up.fresh, true AS wrote FROM up
		 UNION ALL SELECT cur.ref, false, false FROM cur WHERE cur.k = lkey AND cur.same),
	ed AS (INSERT INTO catalog.refresh_state_references (source_key, target_entity_ref)
		SELECT prov, mine.ref FROM mine WHERE mine.ref NOT IN (SELECT ref FROM linked)
		ORDER BY mine.ref RETURNING target_entity_ref AS ref),
	q AS (INSERT INTO catalog.stitch_queue (entity_ref)
		SELECT ed.ref FROM ed JOIN cur ON cur.ref = ed.ref WHERE cur.processed
		ON CONFLICT (entity_ref) WHERE claimed_until IS NULL
		DO UPDATE SET queued_at = now() + interval '1 second'
		WHERE stitch_queue.queued_at <= now() RETURNING 1)
	SELECT count(*) FILTER (WHERE mine.fresh),
	       count(*) FILTER (WHERE NOT mine.fresh
				AND (mine.wrote OR mine.ref IN (SELECT ref FROM ed))),
	       count(*) FILTER (WHERE NOT mine.wrote AND mine.ref NOT IN (SELECT ref FROM ed)),
	       cardinality(refs) - count(*),
	       (SELECT count(*) FROM q),
	       coalesce(array_agg(mine.ref ORDER BY mine.ref), '{}'),
	       (SELECT string_agg(format('%s (owned by %s)', n.ref,
					 coalesce(cur.k, 'another location')), ', ')
		FROM (SELECT * FROM n WHERE n.ref NOT IN (SELECT ref FROM mine) LIMIT 3) n
		LEFT JOIN cur ON cur.ref = n.ref)
	INTO n_added, n_updated, n_unchanged, n_conflicts, n_queued, kept, lost
	FROM mine;
	IF n_conflicts > 0 THEN
		RAISE WARNING 'provider %: % entities owned by other locations were not taken over: %',
			prov, n_conflicts, lost || CASE WHEN n_conflicts > 3 THEN ', ...' ELSE '' END;
	END IF;
END
$$;

-- Deletes the roots in `gone` that this provider's key owns and nothing
-- else emits any more, with their descendants left without a parent
-- outside the doomed set (Backstage's eager pruning; at most 64
-- generations, the rest is orphan cleanup's).  Their final entities go
-- (catalog_changed fires), and the entities whose relations or parent
-- edges they originated are queued for stitching.  Returns (deleted,
-- queued).
CREATE FUNCTION catalog.provider_prune(lkey text, gone text[],
	OUT n_removed int, OUT n_queued int)
LANGUAGE plpgsql AS $$
DECLARE
	doomed text[];
	front text[];
BEGIN
	SELECT coalesce(array_agg(r.entity_ref ORDER BY r.entity_ref), '{}') INTO doomed
	FROM catalog.refresh_state r JOIN (SELECT DISTINCT unnest(gone) AS ref) g
		ON r.entity_ref = g.ref
	WHERE r.location_key = lkey AND NOT EXISTS (SELECT 1
		FROM catalog.refresh_state_references e WHERE e.target_entity_ref = r.entity_ref);
	front := doomed;
	FOR depth IN 1 .. 64 LOOP
		EXIT WHEN cardinality(front) = 0;
		SELECT coalesce(array_agg(DISTINCT e.target_entity_ref), '{}') INTO front
		FROM catalog.refresh_state_references e JOIN unnest(front) f(ref)
			ON e.source_entity_ref = f.ref
		WHERE e.target_entity_ref NOT IN (SELECT unnest(doomed))
		AND NOT EXISTS (SELECT 1 FROM catalog.refresh_state_references p
			WHERE p.target_entity_ref = e.target_entity_ref
			AND (p.source_entity_ref IS NULL
			     OR p.source_entity_ref NOT IN (SELECT unnest(doomed))));
		doomed := doomed || front;
	END LOOP;
	n_removed := 0;
	n_queued := 0;
	IF cardinality(doomed) = 0 THEN
		RETURN;
	END IF;
	WITH g AS (DELETE FROM catalog.refresh_state r USING unnest(doomed) d(ref)
		   WHERE r.entity_ref = d.ref RETURNING r.entity_id, r.entity_ref),
	peers AS (SELECT l.source_entity_ref AS ref FROM catalog.relations l
		  JOIN g ON l.originating_entity_id = g.entity_id
		  UNION SELECT e.target_entity_ref FROM catalog.refresh_state_references e
		  JOIN g ON e.source_entity_ref = g.entity_ref),
	q AS (INSERT INTO catalog.stitch_queue (entity_ref)
		SELECT ref FROM peers WHERE ref NOT IN (SELECT entity_ref FROM g)
		ON CONFLICT (entity_ref) WHERE claimed_until IS NULL
		DO UPDATE SET queued_at = now() + interval '1 second'
		WHERE stitch_queue.queued_at <= now() RETURNING 1)
	SELECT (SELECT count(*) FROM g), (SELECT count(*) FROM q) INTO n_removed, n_queued;
END
$$;

-- One mutation: `entities` upserted; with `full`, this provider's root
-- edges to every other ref removed, else those to the `gone` refs (any
-- case; a ref also upserted stays).  Calls of one provider are serialised
-- (a full sync and an event never interleave); the processing and
-- stitching tasks are woken (NOTIFY catalog_process, catalog_stitch) when
-- there is work for them.
CREATE FUNCTION catalog.provider_mutate(prov text, lkey text, entities text[], gone text[],
	full_set boolean, OUT o_added int, OUT o_updated int, OUT o_removed int,
	OUT o_unchanged int, OUT o_conflicts int)
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
	p record;
	u record;
	d record;
	cut text[];
BEGIN
	IF coalesce(prov, '') = '' OR coalesce(lkey, '') = '' THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'provider mutation rejected: provider and location_key must be non-empty';
	END IF;
	IF full_set AND entities IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'provider mutation rejected: a full mutation needs an array (''{}'' for none)';
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('catalog.provider'), hashtext(prov));
	p := catalog.provider_parse(entities, prov, lkey);
	u := catalog.provider_upsert(prov, lkey, p.refs, p.texts);
	WITH e AS (DELETE FROM catalog.refresh_state_references x
		   WHERE x.source_key = prov AND CASE WHEN full_set
			THEN x.target_entity_ref NOT IN (SELECT unnest(u.kept))
			ELSE x.target_entity_ref IN (SELECT catalog.provider_lower(unnest(gone))
				EXCEPT SELECT unnest(p.refs)) END
		   RETURNING x.target_entity_ref)
	SELECT coalesce(array_agg(target_entity_ref), '{}') INTO cut FROM e;
	d := catalog.provider_prune(lkey, cut);
	o_added := u.n_added;
	o_updated := u.n_updated;
	o_removed := d.n_removed;
	o_unchanged := u.n_unchanged;
	o_conflicts := u.n_conflicts;
	IF o_added + o_updated > 0 THEN
		PERFORM pg_notify('catalog_process', '');
	END IF;
	IF u.n_queued + d.n_queued > 0 THEN
		PERFORM pg_notify('catalog_stitch', '');
	END IF;
END
$$;

CREATE FUNCTION catalog.provider_full_v1(provider text, location_key text, entities text[])
RETURNS TABLE (added int, updated int, removed int, unchanged int, conflicts int)
LANGUAGE sql AS $$
	SELECT * FROM catalog.provider_mutate($1, $2, $3, NULL, true)
$$;

CREATE FUNCTION catalog.provider_delta_v1(provider text, location_key text,
					   added text[], removed text[])
RETURNS TABLE (added int, updated int, removed int, unchanged int, conflicts int)
LANGUAGE sql AS $$
	SELECT * FROM catalog.provider_mutate($1, $2, coalesce($3, '{}'), $4, false)
$$;
