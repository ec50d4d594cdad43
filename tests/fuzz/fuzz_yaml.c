/* fuzz-sources: plugins/catalog/yaml.c plugins/catalog/validate.c plugins/catalog/validate_rules.c plugins/catalog/util.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: yaml-0.1 jansson */
/*
 * libFuzzer target: any bytes through catalog_yaml_parse, and every
 * document it produces through the whole validation pipeline.
 * Build and run (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *     tests/fuzz/fuzz_yaml.c plugins/catalog/yaml.c plugins/catalog/validate.c \
 *     plugins/catalog/validate_rules.c plugins/catalog/util.c \
 *     $(pkg-config --cflags --libs yaml-0.1 jansson) -lm -o /tmp/fuzz_yaml
 *   /tmp/fuzz_yaml -max_total_time=60 -max_len=65536 /tmp/yaml-corpus tests/fuzz/corpus/yaml
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../plugins/catalog/validate.h"
#include "../../plugins/catalog/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog_yaml_result res;
	size_t i;

	catalog_yaml_parse((const char *)data, size, "file:/fuzz.yaml", &res);
	for (i = 0; i < res.ndocs; i++) {
		struct catalog_validate_errors errs = { 0 };
		char *s;

		if (res.docs[i].entity == NULL)
			continue;
		catalog_validate_entity(res.docs[i].entity, &errs);
		catalog_validate_errors_free(&errs);
		/* What the caller does next: store the JSON. */
		s = json_dumps(res.docs[i].entity, JSON_COMPACT);
		free(s);
	}
	catalog_yaml_result_free(&res);
	return 0;
}
