/* fuzz-sources: plugins/catalog/cursor.c plugins/catalog/util.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: jansson */
/*
 * libFuzzer target for the catalog cursors: the input is decoded as an
 * `after` cursor, as a by-query cursor and as base64 itself, and by-query
 * cursors that decode are re-encoded and must decode to the same values.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *   tests/fuzz/fuzz_cursor.c plugins/catalog/cursor.c \
 *   $(pkg-config --cflags --libs jansson) -o /tmp/fuzz_cursor
 * /tmp/fuzz_cursor -max_total_time=60 tests/fuzz/corpus/cursor
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/catalog/cursor.h"

static void round_trip(const struct catalog_query_cursor *c)
{
	struct catalog_query_cursor d;
	char *s = catalog_cursor_query_encode(c), *err;

	if (catalog_cursor_query_decode(s, &d, &err))
		abort();
	if (d.n_order != c->n_order || d.is_previous != c->is_previous ||
	    !json_equal(d.order_values, c->order_values) ||
	    d.has_total_items != c->has_total_items || d.total_items != c->total_items ||
	    !d.query != !c->query || (d.query && !json_equal(d.query, c->query)))
		abort();
	catalog_cursor_query_clear(&d);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *err, *enc;
	struct catalog_offset_cursor oc;
	struct catalog_query_cursor qc;
	unsigned char *raw;
	size_t n;

	memcpy(text, data, size);
	text[size] = '\0';
	if (catalog_cursor_offset_decode(text, &oc, &err))
		free(err);
	if (catalog_cursor_query_decode(text, &qc, &err) == 0)
		round_trip(&qc);
	free(err);
	catalog_cursor_query_clear(&qc);
	raw = catalog_cursor_base64_decode(text, &n);
	if (raw) {
		enc = catalog_cursor_base64_encode(raw, n);
		free(raw);
		raw = catalog_cursor_base64_decode(enc, &n);
		if (!raw)
			abort();
		free(enc);
		free(raw);
	}
	/* raw bytes as JSON, through base64, exercise the validator directly */
	enc = catalog_cursor_base64_encode(data, size);
	if (catalog_cursor_query_decode(enc, &qc, &err) == 0)
		round_trip(&qc);
	free(err);
	catalog_cursor_query_clear(&qc);
	free(enc);
	free(text);
	return 0;
}
