/*
 * Processing errors as Backstage stores and shows them in an entity's
 * status.items: a list of {name, message} that every stage of processing
 * (reading, validation, rules, placeholders) adds to.
 */
#ifndef CATALOG_ERRORS_H
#define CATALOG_ERRORS_H

#include <jansson.h>

/* Start zeroed; the caller json_decref()s list. */
struct catalog_errors {
	json_t *list;  /* array of {"name", "message"}, NULL while empty */
};

/* Adds {name, message} with the message formatted (at most 2 KiB). */
void catalog_errors_add(struct catalog_errors *errs, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
