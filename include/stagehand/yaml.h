/*
 * One YAML reader for every plugin: libyaml's events in, one jansson value
 * per document out, typed the way Backstage reads YAML (the `yaml` npm
 * package's YAML 1.2 core schema, merge keys off) and failing with
 * Backstage's error texts, so a catalog-info.yaml, a scaffolder Template or
 * an mkdocs.yml reads here as it reads there.  Pure functions: no request,
 * no host state; callable from handlers, tasks and init alike.  Every cap
 * below bounds outside input: going over one is an error result, never a
 * crash.
 *
 *	struct sh_yaml_result res;
 *	if (sh_yaml_parse(body, len, "url:https://host/catalog-info.yaml", &res) != 0)
 *		... res.docs[i].error says why (the whole file fails)
 *	for (size_t i = 0; i < res.ndocs; i++)
 *		use(res.docs[i].entity);
 *	sh_yaml_result_free(&res);
 */
#ifndef STAGEHAND_YAML_H
#define STAGEHAND_YAML_H

#include <stddef.h>

#include <jansson.h>

#include <stagehand/errors.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The caps on outside input. */
#define SH_YAML_MAX_INPUT  (4u * 1024 * 1024) /* bytes per file */
#define SH_YAML_MAX_DOCS   10000   /* documents per file, empty ones too */
#define SH_YAML_MAX_NODES  100000  /* values per document, aliases expanded */
#define SH_YAML_MAX_DEPTH  64      /* collection nesting per document */

/*
 * One result per document, in file order.  Exactly one of `entity` and
 * `error` is set.  `entity` is a JSON value (owned by the result: take a
 * reference with json_incref to keep it past sh_yaml_result_free, or steal
 * it and set the member to NULL); `error` is a malloc'd Backstage-style
 * message such as "Expected object at root, got string" or "YAML error at
 * file:/x.yaml, YAMLParseError: <problem> at line 3, column 5".  Backstage
 * reports these as generic errors of the location; any error fails the
 * file.
 */
struct sh_yaml_doc {
	json_t *entity;
	char *error;
};

struct sh_yaml_result {
	struct sh_yaml_doc *docs;  /* malloc'd array, ndocs entries */
	size_t ndocs;
	size_t nerrors;            /* how many docs carry an error */
};

/*
 * Parses `len` bytes of `buf` (need not be NUL-terminated) as a file of
 * entities: every document's root must be a mapping.  `loc` names the file
 * in messages, as a location ref ("file:/abs/path", "url:https://...").
 * Empty and null documents produce no result.  A syntax error ends the
 * parse: the documents before it are kept, followed by one error result
 * (libyaml cannot resume after an error; the file fails as a whole anyway).
 * Scalars: null/Null/NULL/~/empty -> null; true/True/TRUE/false/... ->
 * booleans (yes/no/on/off stay strings); decimal, 0o octal and 0x hex ints;
 * floats, with integral values stored as integers (JSON from JavaScript
 * cannot tell 1.0 from 1); .inf/.nan and overflowing floats -> null, which
 * is what Backstage's JSON.stringify stores for them.  Quoted and block
 * scalars, and scalars tagged !!str or with any tag other than !!null,
 * !!bool, !!int, !!float, are strings.  Aliases are deep-copied (and count
 * against SH_YAML_MAX_NODES as copies); duplicate keys are an error.
 * Fills `out` in every case (free it with sh_yaml_result_free) and returns
 * 0 when no document carries an error, else SH_EINVAL.
 */
int sh_yaml_parse(const char *buf, size_t len, const char *loc, struct sh_yaml_result *out);

/*
 * Like sh_yaml_parse, but every document is a result whatever its root
 * (the catalog's $yaml placeholder, a remote Template, a config file):
 * `entity` may be any JSON value, an empty document JSON null.
 */
int sh_yaml_parse_values(const char *buf, size_t len, const char *loc,
			 struct sh_yaml_result *out);

/* Frees the documents, their values and messages, and zeroes *res; a
 * zeroed result may be freed again. */
void sh_yaml_result_free(struct sh_yaml_result *res);

#ifdef __cplusplus
}
#endif

#endif
