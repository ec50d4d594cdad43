/*
 * The request body check: size first, then parse and re-serialise.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <stagehand/alloc.h>

#include "body.h"

static bool blank(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", buf[i]))
			return false;
	return true;
}

char *perch_body_json(const char *buf, size_t len, int *status, char *why, size_t whylen)
{
	json_error_t e;
	json_t *v;
	char *out;

	*status = 0;
	if (len > PERCH_BODY_MAX) {
		*status = 413;
		snprintf(why, whylen, "request entity too large");
		return NULL;
	}
	if (!buf || blank(buf, len))
		return sh_xstrdup("{}");
	/* Objects and arrays only (Express's strict mode); no NUL inside. */
	v = json_loadb(buf, len, 0, &e);
	if (!v) {
		*status = 400;
		snprintf(why, whylen, "Unexpected token in JSON at line %d column %d", e.line,
			 e.column);
		return NULL;
	}
	out = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	if (!out)
		abort();
	return out;
}
