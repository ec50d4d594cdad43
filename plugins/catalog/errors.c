/*
 * The processing error list of errors.h, kept as the JSON array it is
 * stored as, so the pipeline never converts it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "errors.h"

void catalog_errors_add(struct catalog_errors *errs, const char *name, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (errs->list == NULL)
		errs->list = json_array();
	json_array_append_new(errs->list, json_pack("{s:s, s:s}", "name", name, "message", msg));
}
