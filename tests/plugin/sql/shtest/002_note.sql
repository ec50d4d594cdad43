-- shtest: a second migration, applied after 001, that /count reports; it
-- proves migrations run in number order, each once.
ALTER TABLE shtest.counter ADD COLUMN note text NOT NULL DEFAULT 'migrated';
