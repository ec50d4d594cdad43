/*
 * catalog-info.yaml parsing (spec §9.2): libyaml events in, one jansson
 * object per non-empty document out, with Backstage's scalar typing (the
 * `yaml` npm package's YAML 1.2 core schema, merge keys off) and its error
 * texts.  Pure functions: no host services, so the file builds standalone
 * for the fuzzer.
 */
#ifndef CATALOG_YAML_H
#define CATALOG_YAML_H

#include <stddef.h>
#include <jansson.h>

/* Caps on outside input; going over one is an error result, never a crash. */
#define CATALOG_YAML_MAX_INPUT  (4u * 1024 * 1024) /* bytes per file */
#define CATALOG_YAML_MAX_DOCS   10000   /* documents per file, empty ones too */
#define CATALOG_YAML_MAX_NODES  100000  /* values per document, aliases expanded */
#define CATALOG_YAML_MAX_DEPTH  64      /* collection nesting per document */

/*
 * One result per document, in file order.  Exactly one of `entity` and
 * `error` is set.  `entity` is a JSON object (owned: json_decref it or take
 * the reference); `error` is a malloc'd Backstage-style message such as
 * "Expected object at root, got string" or "YAML error at file:/x.yaml,
 * YAMLParseError: <problem> at line 3, column 5".  Backstage reports these
 * as generic errors of the location (§9.2); any error fails the file.
 */
struct catalog_yaml_doc {
	json_t *entity;
	char *error;
};

struct catalog_yaml_result {
	struct catalog_yaml_doc *docs;  /* malloc'd array, ndocs entries */
	size_t ndocs;
	size_t nerrors;                 /* how many docs carry an error */
};

/*
 * Parse `len` bytes of `buf` (need not be NUL-terminated).  `loc` names the
 * file in messages, as a location ref ("file:/abs/path", "url:https://...").
 * Empty and null documents produce no result.  A syntax error ends the
 * parse: the documents before it are kept, followed by one error result
 * (libyaml cannot resume after an error; the file fails as a whole anyway).
 * Scalars: null/Null/NULL/~/empty -> null; true/True/TRUE/false/... ->
 * booleans (yes/no/on/off stay strings); decimal, 0o octal and 0x hex ints;
 * floats, with integral values stored as integers (JSON from JavaScript
 * cannot tell 1.0 from 1); .inf/.nan and overflowing floats -> null, which
 * is what Backstage's JSON.stringify stores for them.  Quoted and block
 * scalars, and scalars tagged !!str or with any tag other than !!null,
 * !!bool, !!int, !!float, are strings.  Aliases are deep-copied.
 * Fills `out` in every case (free it with catalog_yaml_result_free) and
 * returns 0 when no document carries an error, else SH_EINVAL.
 */
int catalog_yaml_parse(const char *buf, size_t len, const char *loc,
		       struct catalog_yaml_result *out);

/* Like catalog_yaml_parse, but every document is a result whatever its
 * root (the $yaml placeholder): `entity` may be any JSON value, an empty
 * document JSON null. */
int catalog_yaml_parse_values(const char *buf, size_t len, const char *loc,
			      struct catalog_yaml_result *out);

void catalog_yaml_result_free(struct catalog_yaml_result *res);

#endif
