/*
 * zod's report of a by-refs body that is not {entityRefs: string[],
 * fields?: string[]}: JSON.stringify(issues, null, 2) of its
 * invalid_type issues, in schema order, as Backstage's message carries it.
 */
#include <stdlib.h>

#include <stagehand/alloc.h>

#include "body.h"
#include "util.h"

/* zod's getParsedType names. */
static const char *parsed_type(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: case JSON_REAL: return "number";
	case JSON_TRUE: case JSON_FALSE: return "boolean";
	default: return v ? "null" : "undefined";
	}
}

static void issue(json_t *issues, const char *expected, const json_t *v, json_t *path)
{
	const char *got = parsed_type(v);
	char *msg = v ? sh_xasprintf("Expected %s, received %s", expected, got) :
		sh_xstrdup("Required");

	json_array_append_new(issues, json_pack("{s:s, s:s, s:s, s:o, s:s}", "code", "invalid_type",
						"expected", expected, "received", got,
						"path", path, "message", msg));
	free(msg);
}

/* An array of strings under key (optional or required). */
static void check_strings(json_t *issues, const json_t *body, const char *key, int required)
{
	const json_t *v = json_object_get(body, key), *item;
	size_t i;

	if (v == NULL && !required)
		return;
	if (!json_is_array(v)) {
		issue(issues, "array", v, json_pack("[s]", key));
		return;
	}
	json_array_foreach(v, i, item)
		if (!json_is_string(item))
			issue(issues, "string", item, json_pack("[s, I]", key, (json_int_t)i));
}

char *catalog_body_check_refs(const json_t *body)
{
	json_t *issues = json_array(), *empty = json_object();
	char *text, *msg = NULL;

	if (body != NULL && !json_is_object(body)) {
		issue(issues, "object", body, json_array());
	} else {
		check_strings(issues, body ? body : empty, "entityRefs", 1);
		check_strings(issues, body ? body : empty, "fields", 0);
	}
	if (json_array_size(issues) > 0) {
		text = json_dumps(issues, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		msg = sh_xasprintf("Malformed request body (did you remember to specify an "
				  "application/json content type?), %s", text);
		free(text);
	}
	json_decref(issues);
	json_decref(empty);
	return msg;
}
