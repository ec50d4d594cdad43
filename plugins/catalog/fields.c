/*
 * Field projection (spec §4.4), following parseEntityTransformParams: a path
 * segment that is not a key of the current object is glued to the next one
 * with '.', and the whole path is tried again from there.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "fields.h"
#include "util.h"

static void add_field(struct catalog_fields *f, const char *s, size_t n)
{
	size_t i;

	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n)
		return;
	for (i = 0; i < f->n; i++)
		if (strlen(f->paths[i]) == n && !memcmp(f->paths[i], s, n))
			return;
	f->paths = sh_xrealloc(f->paths, (f->n + 1) * sizeof(*f->paths));
	f->paths[f->n++] = sh_xstrndup(s, n);
}

static void add_item(struct catalog_fields *f, const char *item, int split_commas)
{
	const char *comma;

	while (split_commas && (comma = strchr(item, ','))) {
		add_field(f, item, (size_t)(comma - item));
		item = comma + 1;
	}
	add_field(f, item, strlen(item));
}

int catalog_fields_parse(const char *const *items, size_t n, int split_commas,
			 struct catalog_fields **out, char **err)
{
	struct catalog_fields *f = sh_xmalloc(sizeof(*f));
	size_t i;

	memset(f, 0, sizeof(*f));
	*out = NULL;
	*err = NULL;
	for (i = 0; i < n; i++)
		add_item(f, items[i], split_commas);
	for (i = 0; i < f->n; i++) {
		if (strchr(f->paths[i], '[')) {
			size_t len = strlen(f->paths[i]) + 64;

			*err = sh_xmalloc(len);
			snprintf(*err, len, "Invalid field \"%s\", array type fields are not supported",
				 f->paths[i]);
			catalog_fields_free(f);
			return SH_EINVAL;
		}
	}
	if (!f->n) {
		catalog_fields_free(f);
		return 0;
	}
	*out = f;
	return 0;
}

static char **split_dots(const char *path, size_t *n)
{
	char **parts = NULL;
	const char *dot;

	*n = 0;
	for (;;) {
		dot = strchr(path, '.');
		parts = sh_xrealloc(parts, (*n + 1) * sizeof(*parts));
		parts[(*n)++] = sh_xstrndup(path, dot ? (size_t)(dot - path) : strlen(path));
		if (!dot)
			return parts;
		path = dot + 1;
	}
}

/* Glue part i onto part i+1 ("a" + "b" -> "a.b"). */
static void glue(char **parts, size_t i)
{
	size_t la = strlen(parts[i]), lb = strlen(parts[i + 1]);
	char *p = sh_xmalloc(la + lb + 2);

	memcpy(p, parts[i], la);
	p[la] = '.';
	memcpy(p + la + 1, parts[i + 1], lb + 1);
	free(parts[i + 1]);
	parts[i + 1] = p;
}

/* Set value (taken) at the keys in parts marked found, creating objects. */
static void set_path(json_t *out, char **parts, const unsigned char *found, size_t n,
		     json_t *value)
{
	size_t i, last = n;
	json_t *next;

	for (i = 0; i < n; i++)
		if (found[i])
			last = i;
	for (i = 0; i < last; i++) {
		if (!found[i])
			continue;
		next = json_object_get(out, parts[i]);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(out, parts[i], next);
		}
		out = next;
	}
	json_object_set_new(out, parts[last], value);
}

static void project(json_t *out, json_t *entity, const char *path)
{
	size_t n, i;
	char **parts = split_dots(path, &n);
	unsigned char *found = sh_xmalloc(n);
	json_t *cur = entity;

	memset(found, 0, n);
	for (i = 0; i < n && cur; i++) {
		json_t *v = json_is_object(cur) ? json_object_get(cur, parts[i]) : NULL;

		if (v) {
			found[i] = 1;
			cur = v;
		} else if (i + 1 < n) {
			glue(parts, i);
		} else {
			cur = NULL;
		}
	}
	if (cur)
		set_path(out, parts, found, n, json_deep_copy(cur));
	for (i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
	free(found);
}

json_t *catalog_fields_apply(const struct catalog_fields *fields, json_t *entity)
{
	json_t *out;
	size_t i;

	if (!fields || !json_is_object(entity))
		return json_incref(entity);
	out = json_object();
	if (!out)
		abort();
	for (i = 0; i < fields->n; i++)
		project(out, entity, fields->paths[i]);
	return out;
}

void catalog_fields_free(struct catalog_fields *fields)
{
	size_t i;

	if (!fields)
		return;
	for (i = 0; i < fields->n; i++)
		free(fields->paths[i]);
	free(fields->paths);
	free(fields);
}
