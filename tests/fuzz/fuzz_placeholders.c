/* fuzz-sources: plugins/catalog/placeholders.c plugins/catalog/util.c fcgi/yaml.c fcgi/url.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: yaml-0.1 jansson */
/*
 * libFuzzer target: the input is parsed as a catalog file and each entity's
 * $text/$json/$yaml placeholders are filled in from a reader that serves
 * the same bytes for every location, so the walk, the UTF-8 repair of
 * $text, and the JSON and YAML parses of placeholder data all see any
 * bytes.  Run with tests/fuzz/run.sh placeholders.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/yaml.h>

#include "../../plugins/catalog/placeholders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *data;
	size_t size;
};

static int serve(void *ctx, const char *loc, char **buf, size_t *len, char **why)
{
	const struct input *in = ctx;

	(void)loc;
	(void)why;
	*buf = malloc(in->size + 1);
	if (*buf == NULL)
		abort();
	memcpy(*buf, in->data, in->size);
	(*buf)[in->size] = '\0';
	*len = in->size;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct catalog_placeholders ph = {
		.read = serve, .ctx = &in, .bytes_left = CATALOG_PLACEHOLDER_MAX_BYTES,
		.reads_left = CATALOG_PLACEHOLDER_MAX_READS,
	};
	struct sh_yaml_result res;
	const char *base = size && data[0] & 1 ? "url:http://h/a/b.yaml" : "file:/srv/a/b.yaml";

	sh_yaml_parse((const char *)data, size, base, &res);
	for (size_t i = 0; i < res.ndocs; i++) {
		char *err = NULL, *s;

		if (res.docs[i].entity == NULL)
			continue;
		catalog_placeholders_resolve(&ph, res.docs[i].entity, base, &err);
		free(err);
		s = json_dumps(res.docs[i].entity, JSON_COMPACT);
		free(s);
	}
	sh_yaml_result_free(&res);
	return 0;
}
