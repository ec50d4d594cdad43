/* fuzz-sources: plugins/catalog/filter.c plugins/catalog/search.c plugins/catalog/util.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: jansson */
/*
 * libFuzzer target for the catalog filter parsers: the input is fed both as
 * filter= params (split on newlines, one param per line) and as predicate
 * JSON; every parsed AST is serialised, re-parsed and evaluated.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *   tests/fuzz/fuzz_filter.c plugins/catalog/filter.c plugins/catalog/search.c \
 *   $(pkg-config --cflags --libs jansson) -o /tmp/fuzz_filter
 * /tmp/fuzz_filter -max_total_time=60 tests/fuzz/corpus/filter
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/catalog/filter.h"

static struct catalog_search rows;

/* A filter= key starting with '$' reads as an operator once serialised, and
 * can never match (entity roots have no such keys), so skip those. */
static int dollar_key(const struct catalog_filter *f)
{
	size_t i;

	if (f->key && f->key[0] == '$')
		return 1;
	for (i = 0; i < f->n_kids; i++)
		if (dollar_key(f->kids[i]))
			return 1;
	return 0;
}

static void check(struct catalog_filter *f)
{
	struct catalog_filter *g;
	json_t *j;
	char *err;

	if (!f || dollar_key(f))
		return;
	j = catalog_filter_to_json(f);
	if (catalog_filter_parse_predicate(j, &g, &err))
		abort(); /* our own JSON must always parse back */
	if (catalog_filter_match(f, &rows) != catalog_filter_match(g, &rows))
		abort();
	catalog_filter_free(g);
	json_decref(j);
}

static void as_params(const char *text)
{
	const char *params[16];
	char *copy = strdup(text), *p = copy, *nl;
	struct catalog_filter *f;
	size_t n = 0;
	char *err;

	while (n < 16) {
		params[n++] = p;
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	if (catalog_filter_parse_params(params, n, &f, &err) == 0)
		check(f);
	catalog_filter_free(f);
	free(err);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *err;
	struct catalog_filter *f;
	json_t *j;

	if (!rows.n) {
		json_t *e = json_loads("{\"kind\":\"Component\",\"metadata\":{\"name\":\"a\","
				       "\"tags\":[\"java\"]},\"spec\":{\"type\":\"service\"},"
				       "\"relations\":[{\"type\":\"ownedBy\",\"targetRef\":\"g:d/x\"}]}",
				       0, NULL);

		catalog_search_build(e, &rows, &err);
		json_decref(e);
	}
	memcpy(text, data, size);
	text[size] = '\0';
	as_params(text);
	j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (j) {
		if (catalog_filter_parse_predicate(j, &f, &err) == 0)
			check(f);
		catalog_filter_free(f);
		free(err);
		json_decref(j);
	}
	free(text);
	return 0;
}
