/* fuzz-sources: fcgi/arena.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c fcgi/router.c fcgi/request.c fcgi/reply.c fcgi/log.c */
/*
 * libFuzzer target for the request parsers: query string, path splitting,
 * percent-decoding, the JSON depth scan (checked against jansson's parse)
 * and the error body, which must stay valid JSON for any client bytes.
 * Build and run from the top of the tree (about a minute):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I include -I fcgi \
 *     $(pkg-config --cflags jansson) tests/fuzz/fuzz_query.c fcgi/arena.c \
 *     fcgi/router.c fcgi/request.c fcgi/reply.c fcgi/log.c \
 *     $(pkg-config --libs jansson) -o /tmp/fuzz_query
 *   /tmp/fuzz_query -max_total_time=60 -max_len=4096 tests/fuzz/corpus/query
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int json_depth(const json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;
	int d, max = 0;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if ((d = json_depth(v)) > max)
				max = d;
		return max + 1;
	}
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, key, v)
			if ((d = json_depth(v)) > max)
				max = d;
		return max + 1;
	}
	return 0;
}

/* For valid JSON the scan must give exactly the nesting jansson saw;
 * duplicates are refused as sh_req_json does, since jansson keeps only the
 * last one and the text may nest deeper than what survives. */
static void check_depth(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			       NULL);
	int d;

	host_json_depth_ok((const char *)data, size, 3);
	if (!j)
		return;
	d = json_depth(j);
	json_decref(j);
	if (host_json_depth_ok((const char *)data, size, d) != 0)
		abort();
	if (d > 0 && host_json_depth_ok((const char *)data, size, d - 1) != SH_ETOOBIG)
		abort();
}

static void check_error_body(const char *s)
{
	json_t *j = host_error_body(400, "InputError", s, s, s);
	char *text;

	if (!j || !(text = json_dumps(j, JSON_COMPACT)))
		abort();
	free(text);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_arena *a = host_arena_new();
	const char **keys, **vals;
	char *s, *d, **segs;
	size_t n, i;

	s = host_arena_alloc(a, size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (host_query_parse(a, s, &keys, &vals, &n) == 0)
		for (i = 0; i < n; i++)
			if (!keys[i] || !vals[i])
				abort();
	if (host_path_split(a, s, &segs, &n) == 0)
		for (i = 0; i < n; i++)
			if (!strcmp(segs[i], ".") || !strcmp(segs[i], ".."))
				abort();
	d = host_pct_decode(a, s, strlen(s), true);
	if (d && strlen(d) > strlen(s))
		abort();
	check_depth(data, size);
	check_error_body(s);
	host_arena_free(a);
	return 0;
}
