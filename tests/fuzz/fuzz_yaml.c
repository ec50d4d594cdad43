/* fuzz-sources: fcgi/yaml.c plugins/catalog/validate.c plugins/catalog/validate_rules.c plugins/catalog/util.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: yaml-0.1 jansson */
/*
 * libFuzzer target of the YAML reader (<stagehand/yaml.h>, fcgi/yaml.c):
 * any bytes through sh_yaml_parse and sh_yaml_parse_values, every value
 * dumped as its caller would store it, and every entity through the
 * catalog's validation, its first caller.  Run with tests/fuzz/run.sh yaml.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include <stagehand/yaml.h>

#include "../../plugins/catalog/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a caller does with a value: store its JSON text. */
static void dump_all(const struct sh_yaml_result *res)
{
	for (size_t i = 0; i < res->ndocs; i++) {
		char *s;

		if (res->docs[i].entity == NULL)
			continue;
		s = json_dumps(res->docs[i].entity, JSON_COMPACT | JSON_ENCODE_ANY);
		free(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sh_yaml_result res;

	sh_yaml_parse((const char *)data, size, "file:/fuzz.yaml", &res);
	for (size_t i = 0; i < res.ndocs; i++) {
		struct catalog_validate_errors errs = { 0 };

		if (res.docs[i].entity == NULL)
			continue;
		catalog_validate_entity(res.docs[i].entity, &errs);
		catalog_validate_errors_free(&errs);
	}
	dump_all(&res);
	sh_yaml_result_free(&res);
	sh_yaml_parse_values((const char *)data, size, "url:https://h/fuzz.yaml", &res);
	dump_all(&res);
	sh_yaml_result_free(&res);
	return 0;
}
