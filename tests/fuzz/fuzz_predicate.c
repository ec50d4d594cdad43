/* fuzz-sources: plugins/catalog/filter.c plugins/catalog/search.c plugins/catalog/util.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: jansson */
/*
 * libFuzzer target for the predicate parser (spec §4.2, the POST `query`
 * of by-query, by-refs and entity-facets).  Random JSON text rarely gets
 * past the first check, so the input also drives a small generator that
 * builds predicates from the grammar ($all/$any/$not, field conditions
 * with every operator, the relations form) with wrong types mixed in.
 * Every outcome is checked: exactly one of a filter or a message; a parsed
 * filter serialises to JSON that parses back and matches the same entities.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *   tests/fuzz/fuzz_predicate.c plugins/catalog/filter.c plugins/catalog/search.c \
 *   plugins/catalog/util.c $(pkg-config --cflags --libs jansson) -o /tmp/fuzz_predicate
 * /tmp/fuzz_predicate -max_total_time=60 tests/fuzz/corpus/predicate
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/catalog/filter.h"

#define MAX_NODES 64

static struct catalog_search rows[2];

struct src {
	const uint8_t *p;
	size_t n;
	int nodes;
};

static unsigned take(struct src *s)
{
	if (!s->n)
		return 0;
	s->n--;
	return *s->p++;
}

static const char *const keys[] = { "kind", "Kind", "spec.type", "metadata.tags", "relations",
				    "metadata.name", "$not", "$in", "", "a\nb", "relations.ownedby" };
static const char *const strs[] = { "component", "Service", "java", "ownedBy",
				    "group:default/x", "", "%_", "A" };

static json_t *primitive(struct src *s)
{
	unsigned c = take(s);

	switch (c % 5) {
	case 0: return json_string(strs[(c / 5) % 8]);
	case 1: return json_integer((json_int_t)c - 100);
	case 2: return json_boolean(c & 8);
	case 3: return json_real(c / 3.0);
	default: return json_null();
	}
}

static json_t *predicate(struct src *s, int depth);

static json_t *array_of(struct src *s, int depth, int preds)
{
	json_t *a = json_array();
	unsigned n = take(s) % 4;

	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, preds ? predicate(s, depth + 1) : primitive(s));
	return a;
}

/* A field value: a primitive or one or more operators. */
static json_t *value(struct src *s, int depth)
{
	unsigned c = take(s), ops = take(s);
	json_t *v;

	if (c % 4 == 0)
		return primitive(s);
	v = json_object();
	if (ops & 1)
		json_object_set_new(v, "$exists", ops & 16 ? json_boolean(c & 1) : primitive(s));
	if (ops & 2)
		json_object_set_new(v, "$in", ops & 32 ? array_of(s, depth, 0) : primitive(s));
	if (ops & 4) {
		json_t *t = ops & 64 ? json_pack("{s:s}", "type", strs[c % 8]) : primitive(s);

		if (json_is_object(t) && (c & 16))
			json_object_set_new(t, "targetRef", c & 32 ? json_pack("{s:o}", "$in",
						array_of(s, depth, 0)) : primitive(s));
		json_object_set_new(v, "$contains", t);
	}
	if (ops & 8)
		json_object_set_new(v, "$hasPrefix", primitive(s));
	if (ops & 128)
		json_object_set_new(v, "other", primitive(s));
	return v;
}

static json_t *predicate(struct src *s, int depth)
{
	unsigned c = take(s);
	json_t *p;

	if (++s->nodes > MAX_NODES || depth > 8)
		return json_object();
	switch (c % 6) {
	case 0: p = json_pack("{s:o}", "$all", array_of(s, depth, 1)); break;
	case 1: p = json_pack("{s:o}", "$any", array_of(s, depth, 1)); break;
	case 2: p = json_pack("{s:o}", "$not", predicate(s, depth + 1)); break;
	case 3: return primitive(s);
	default:
		p = json_object();
		for (unsigned i = 0, n = 1 + take(s) % 3; i < n; i++)
			json_object_set_new(p, keys[take(s) % 11], value(s, depth));
		return p;
	}
	if (c & 64)
		json_object_set_new(p, keys[take(s) % 11], primitive(s));
	return p;
}

static void run(const json_t *pred)
{
	struct catalog_filter *f, *g;
	char *err;
	json_t *j;
	int rc = catalog_filter_parse_predicate(pred, &f, &err);

	if (rc == 0 ? (f == NULL || err != NULL) : (f != NULL || err == NULL))
		abort();
	free(err);
	if (rc != 0)
		return;
	j = catalog_filter_to_json(f);
	if (catalog_filter_parse_predicate(j, &g, &err) != 0)
		abort(); /* our own JSON always parses back */
	for (int i = 0; i < 2; i++)
		if (catalog_filter_match(f, &rows[i]) != catalog_filter_match(g, &rows[i]))
			abort();
	catalog_filter_free(g);
	catalog_filter_free(f);
	json_decref(j);
}

static void init_rows(void)
{
	static const char *const entities[2] = {
		"{\"kind\":\"Component\",\"metadata\":{\"name\":\"a\",\"tags\":[\"java\"]},"
		"\"spec\":{\"type\":\"service\"},\"relations\":[{\"type\":\"ownedBy\","
		"\"targetRef\":\"group:default/x\"}]}",
		"{\"kind\":\"API\",\"metadata\":{\"name\":\"%_\",\"namespace\":\"n\"},"
		"\"spec\":{\"type\":\"openapi\",\"x\":null}}",
	};
	char *err;

	for (int i = 0; i < 2; i++) {
		json_t *e = json_loads(entities[i], 0, NULL);

		catalog_search_build(e, &rows[i], &err);
		json_decref(e);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src s = { data, size, 0 };
	json_t *j;

	if (!rows[0].n)
		init_rows();
	j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (j) {
		run(j);
		json_decref(j);
	}
	j = predicate(&s, 0);
	run(j);
	json_decref(j);
	return 0;
}
