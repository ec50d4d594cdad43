-- A search row's original_value is stored only where it differs from its
-- value (the lower-cased form); readers take
-- coalesce(original_value, value).  Most values (names, refs, types,
-- relation targets, `true` for array members) are lower case already, so
-- the column was a second copy of the value in most of the index's rows:
-- narrower rows are cheaper to write on every stitch and to keep.
-- value IS NULL still means that the field was null or too long.
UPDATE catalog.search SET original_value = NULL WHERE original_value = value;
