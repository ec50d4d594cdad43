-- A provider's writes run again when PostgreSQL picks them as a deadlock's
-- victim (012_providers.sql, docs/catalog.md "Providers").  A mutation
-- that changes many rows locks them in ref order, but the processing task
-- writes a batch's results in no particular order, so the two can wait on
-- each other: the detector then aborts one of them, and a provider whose
-- full sync failed would keep its last set for a whole sync period.  The
-- writes run in a subtransaction, whose abort releases their locks (the
-- other transaction goes on), and are tried up to three times, 50 and
-- 100 ms apart; the parsing before them, and the provider's advisory lock,
-- are kept.

-- The writes of one mutation: upsert and link, cut the provider's edges
-- (full: to every ref it did not send; delta: to the `gone` refs it did
-- not also send), prune what lost its last parent.  Counts as
-- provider_mutate returns them, and the stitches queued.
CREATE FUNCTION catalog.provider_write(prov text, lkey text, refs text[], texts text[],
	gone text[], full_set boolean, OUT n_added int, OUT n_updated int, OUT n_removed int,
	OUT n_unchanged int, OUT n_conflicts int, OUT n_queued int)
LANGUAGE plpgsql AS $$
DECLARE
	u record;
	d record;
	cut text[];
BEGIN
	u := catalog.provider_upsert(prov, lkey, refs, texts);
	WITH e AS (DELETE FROM catalog.refresh_state_references x
		   WHERE x.source_key = prov AND CASE WHEN full_set
			THEN x.target_entity_ref NOT IN (SELECT unnest(u.kept))
			ELSE x.target_entity_ref IN (SELECT catalog.provider_lower(unnest(gone))
				EXCEPT SELECT unnest(refs)) END
		   RETURNING x.target_entity_ref)
	SELECT coalesce(array_agg(target_entity_ref), '{}') INTO cut FROM e;
	d := catalog.provider_prune(lkey, cut);
	n_added := u.n_added;
	n_updated := u.n_updated;
	n_removed := d.n_removed;
	n_unchanged := u.n_unchanged;
	n_conflicts := u.n_conflicts;
	n_queued := u.n_queued + d.n_queued;
END
$$;

-- A mutation's arguments that no entity is needed to refuse (22023).
CREATE FUNCTION catalog.provider_check_args(prov text, lkey text, entities text[],
	full_set boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF coalesce(prov, '') = '' OR coalesce(lkey, '') = '' THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'provider mutation rejected: provider and location_key must be non-empty';
	ELSIF full_set AND entities IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'provider mutation rejected: a full mutation needs an array (''{}'' for none)';
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION catalog.provider_mutate(prov text, lkey text, entities text[],
	gone text[], full_set boolean, OUT o_added int, OUT o_updated int, OUT o_removed int,
	OUT o_unchanged int, OUT o_conflicts int)
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
	p record;
	w record;
BEGIN
	PERFORM catalog.provider_check_args(prov, lkey, entities, full_set);
	PERFORM pg_advisory_xact_lock(hashtext('catalog.provider'), hashtext(prov));
	p := catalog.provider_parse(entities, prov, lkey);
	FOR attempt IN 1 .. 3 LOOP
		BEGIN
			w := catalog.provider_write(prov, lkey, p.refs, p.texts, gone, full_set);
			EXIT;
		EXCEPTION WHEN deadlock_detected THEN
			IF attempt = 3 THEN
				RAISE;
			END IF;
			-- The other transaction takes the rows first.
			PERFORM pg_sleep(0.05 * attempt);
		END;
	END LOOP;
	-- Processing is woken for new and changed rows, stitching for queued ones.
	PERFORM pg_notify(c, '') FROM (VALUES ('catalog_process', w.n_added + w.n_updated),
		('catalog_stitch', w.n_queued)) AS v(c, n) WHERE n > 0;
	SELECT w.n_added, w.n_updated, w.n_removed, w.n_unchanged, w.n_conflicts
	INTO o_added, o_updated, o_removed, o_unchanged, o_conflicts;
END
$$;
